namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>Operators that only move elements: they compute source indices, then <see cref="Take"/> copies.</summary>
internal static class Layout
{
    public static Tensor Take(Tensor x, int[] shape, int[] source)
    {
        if (x.IsString)
        {
            var s = new string[source.Length];
            for (var i = 0; i < s.Length; i++)
            {
                s[i] = x.Strings[source[i]];
            }

            return new Tensor(shape, s);
        }

        var r = new double[source.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = x.Numbers[source[i]];
        }

        return new Tensor(x.Type, shape, r);
    }
}

/// <summary>Concat along an axis.</summary>
internal sealed class ConcatKernel : Kernel
{
    private readonly long _axis;

    public ConcatKernel(NodeContext ctx)
    {
        if (!ctx.Has("axis"))
        {
            throw ctx.Error("attribute 'axis' is required.");
        }

        _axis = ctx.Int("axis", 0);
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var parts = inputs.OfType<Tensor>().ToArray();
        var first = parts[0];
        var axis = Axes.Normalize(_axis, first.Rank, "Concat");
        var shape = (int[])first.Shape.Clone();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        var outer = Axes.Product(first.Shape, 0, axis);
        var inner = Axes.Product(first.Shape, axis + 1, first.Rank);
        var n = Tensor.SizeOf(shape);
        var strings = first.IsString ? new string[n] : null;
        var numbers = first.IsString ? null : new double[n];
        var offset = 0;
        foreach (var p in parts)
        {
            if (p.Rank != first.Rank || p.Type != first.Type)
            {
                throw new InvalidOperationException($"Concat: {p} does not match {first}.");
            }

            var block = p.Shape[axis] * inner;
            for (var o = 0; o < outer; o++)
            {
                var dst = (o * shape[axis] * inner) + offset;
                if (strings is not null)
                {
                    Array.Copy(p.Strings, o * block, strings, dst, block);
                }
                else
                {
                    Array.Copy(p.Numbers, o * block, numbers!, dst, block);
                }
            }

            offset += block;
        }

        return One(strings is not null ? new Tensor(shape, strings) : new Tensor(first.Type, shape, numbers!));
    }
}

/// <summary>Transpose by a permutation (default: reversed axes).</summary>
internal sealed class TransposeKernel : Kernel
{
    private readonly long[]? _perm;

    public TransposeKernel(NodeContext ctx) => _perm = ctx.Ints("perm");

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Transpose");
        var rank = x.Rank;
        var perm = _perm?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank)
        {
            throw new InvalidOperationException($"Transpose: permutation of length {perm.Length} for {x}.");
        }

        var shape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = Axes.RowMajorStrides(x.Shape);
        var strides = perm.Select(p => inStrides[p]).ToArray();
        var n = x.Length;
        var source = new int[n];
        var index = new int[rank];
        var src = 0;
        for (var i = 0; i < n; i++)
        {
            source[i] = src;
            for (var d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                src += strides[d];
                if (index[d] < shape[d])
                {
                    break;
                }

                src -= strides[d] * shape[d];
                index[d] = 0;
            }
        }

        return One(Layout.Take(x, shape, source));
    }
}

/// <summary>Squeeze and Unsqueeze: axes from an attribute before opset 13, from an input since.</summary>
internal sealed class SqueezeKernel : Kernel
{
    private readonly bool _unsqueeze;
    private readonly long[]? _axes;
    private readonly bool _axesFromInput;

    public SqueezeKernel(NodeContext ctx, bool unsqueeze)
    {
        _unsqueeze = unsqueeze;
        _axesFromInput = ctx.Opset >= 13;
        _axes = _axesFromInput ? null : ctx.Ints("axes");
        if (unsqueeze && !_axesFromInput && _axes is null)
        {
            throw ctx.Error("attribute 'axes' is required.");
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _unsqueeze ? "Unsqueeze" : "Squeeze");
        var axes = _axesFromInput ? Optional(inputs, 1)?.ToInt64Array() : _axes;
        if (_unsqueeze)
        {
            var rank = x.Rank + axes!.Length;
            var insert = axes.Select(a => Axes.Normalize(a, rank, "Unsqueeze")).ToHashSet();
            var shape = new int[rank];
            var j = 0;
            for (var i = 0; i < rank; i++)
            {
                shape[i] = insert.Contains(i) ? 1 : x.Shape[j++];
            }

            return One(x.WithShape(shape));
        }

        var remove = axes is null
            ? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToHashSet()
            : axes.Select(a => Axes.Normalize(a, x.Rank, "Squeeze")).ToHashSet();
        foreach (var a in remove)
        {
            if (x.Shape[a] != 1)
            {
                throw new InvalidOperationException($"Squeeze: dimension {a} of {x} is not 1.");
            }
        }

        return One(x.WithShape(Enumerable.Range(0, x.Rank).Where(i => !remove.Contains(i)).Select(i => x.Shape[i]).ToArray()));
    }
}

/// <summary>Gather along an axis, negative indices counting from the end.</summary>
internal sealed class GatherKernel : Kernel
{
    private readonly long _axis;

    public GatherKernel(NodeContext ctx) => _axis = ctx.Int("axis", 0);

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Gather");
        var idx = In(inputs, 1, "Gather");
        var axis = Axes.Normalize(_axis, x.Rank, "Gather");
        var outer = Axes.Product(x.Shape, 0, axis);
        var inner = Axes.Product(x.Shape, axis + 1, x.Rank);
        var dim = x.Shape[axis];
        var shape = x.Shape.Take(axis).Concat(idx.Shape).Concat(x.Shape.Skip(axis + 1)).ToArray();
        var source = new int[Tensor.SizeOf(shape)];
        var k = 0;
        for (var o = 0; o < outer; o++)
        {
            for (var j = 0; j < idx.Length; j++)
            {
                var i = (long)idx.Numbers[j];
                if (i < 0)
                {
                    i += dim;
                }

                if (i < 0 || i >= dim)
                {
                    throw new InvalidOperationException($"Gather: index {idx.Numbers[j]} is out of range for dimension {dim}.");
                }

                for (var e = 0; e < inner; e++)
                {
                    source[k++] = (int)(((o * dim) + i) * inner) + e;
                }
            }
        }

        return One(Layout.Take(x, shape, source));
    }
}

/// <summary>Slice: starts/ends/axes/steps as inputs since opset 10, as attributes before.</summary>
internal sealed class SliceKernel : Kernel
{
    private readonly bool _fromInputs;
    private readonly long[]? _starts;
    private readonly long[]? _ends;
    private readonly long[]? _axes;

    public SliceKernel(NodeContext ctx)
    {
        _fromInputs = ctx.Opset >= 10;
        if (!_fromInputs)
        {
            _starts = ctx.Ints("starts") ?? throw ctx.Error("attribute 'starts' is required.");
            _ends = ctx.Ints("ends") ?? throw ctx.Error("attribute 'ends' is required.");
            _axes = ctx.Ints("axes");
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Slice");
        var starts = _fromInputs ? In(inputs, 1, "Slice").ToInt64Array() : _starts!;
        var ends = _fromInputs ? In(inputs, 2, "Slice").ToInt64Array() : _ends!;
        var axes = _fromInputs ? Optional(inputs, 3)?.ToInt64Array() : _axes;
        var steps = _fromInputs ? Optional(inputs, 4)?.ToInt64Array() : null;
        var rank = x.Rank;
        var begin = new long[rank];
        var step = new long[rank];
        var count = (int[])x.Shape.Clone();
        for (var d = 0; d < rank; d++)
        {
            step[d] = 1;
        }

        for (var i = 0; i < starts.Length; i++)
        {
            var axis = Axes.Normalize(axes?[i] ?? i, rank, "Slice");
            long dim = x.Shape[axis];
            var st = steps?[i] ?? 1;
            if (st == 0)
            {
                throw new InvalidOperationException("Slice: step 0.");
            }

            var s = starts[i] < 0 ? starts[i] + dim : starts[i];
            var e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0)
            {
                s = Math.Clamp(s, 0, dim);
                e = Math.Clamp(e, 0, dim);
                count[axis] = (int)Math.Max(0, (e - s + st - 1) / st);
            }
            else
            {
                s = Math.Clamp(s, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                count[axis] = (int)Math.Max(0, (s - e - st - 1) / -st);
            }

            begin[axis] = s;
            step[axis] = st;
        }

        var strides = Axes.RowMajorStrides(x.Shape);
        var n = Tensor.SizeOf(count);
        var source = new int[n];
        var index = new int[rank];
        for (var i = 0; i < n; i++)
        {
            long src = 0;
            for (var d = 0; d < rank; d++)
            {
                src += (begin[d] + (index[d] * step[d])) * strides[d];
            }

            source[i] = (int)src;
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < count[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        return One(Layout.Take(x, count, source));
    }
}
