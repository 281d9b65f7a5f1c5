namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>Softmax and LogSoftmax: along one axis since opset 13, over the axis-flattened 2-D view before.</summary>
internal sealed class SoftmaxKernel : Kernel
{
    private readonly long _axis;
    private readonly bool _log;
    private readonly bool _coerce2D;

    public SoftmaxKernel(NodeContext ctx, bool log)
    {
        _log = log;
        _coerce2D = ctx.Opset < 13;
        _axis = ctx.Int("axis", _coerce2D ? 1 : -1);
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _log ? "LogSoftmax" : "Softmax");
        var axis = Axes.Normalize(_axis, x.Rank, "Softmax");
        int outer, dim, inner;
        if (_coerce2D)
        {
            outer = Axes.Product(x.Shape, 0, axis);
            dim = Axes.Product(x.Shape, axis, x.Rank);
            inner = 1;
        }
        else
        {
            outer = Axes.Product(x.Shape, 0, axis);
            dim = x.Shape[axis];
            inner = Axes.Product(x.Shape, axis + 1, x.Rank);
        }

        var r = new double[x.Length];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var baseIndex = (o * dim * inner) + i;
                var max = double.NegativeInfinity;
                for (var d = 0; d < dim; d++)
                {
                    max = Math.Max(max, x.Numbers[baseIndex + (d * inner)]);
                }

                double sum = 0;
                for (var d = 0; d < dim; d++)
                {
                    var e = Math.Exp(x.Numbers[baseIndex + (d * inner)] - max);
                    r[baseIndex + (d * inner)] = e;
                    sum += e;
                }

                for (var d = 0; d < dim; d++)
                {
                    var at = baseIndex + (d * inner);
                    r[at] = _log ? x.Numbers[at] - max - Math.Log(sum) : r[at] / sum;
                }
            }
        }

        ElementTypes.Narrow(x.Type, r);
        return One(new Tensor(x.Type, x.Shape, r));
    }
}

/// <summary>ArgMax and ArgMin along an axis (keepdims, select_last_index).</summary>
internal sealed class ArgKernel : Kernel
{
    private readonly long _axis;
    private readonly bool _keepDims;
    private readonly bool _last;
    private readonly bool _max;

    public ArgKernel(NodeContext ctx, bool max)
    {
        _max = max;
        _axis = ctx.Int("axis", 0);
        _keepDims = ctx.Int("keepdims", 1) != 0;
        _last = ctx.Int("select_last_index", 0) != 0;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _max ? "ArgMax" : "ArgMin");
        var axis = Axes.Normalize(_axis, x.Rank, "ArgMax");
        var outer = Axes.Product(x.Shape, 0, axis);
        var dim = x.Shape[axis];
        var inner = Axes.Product(x.Shape, axis + 1, x.Rank);
        var r = new double[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = 0;
                var bestValue = x.Numbers[(o * dim * inner) + i];
                for (var d = 1; d < dim; d++)
                {
                    var v = x.Numbers[(((o * dim) + d) * inner) + i];
                    var better = _max ? (v > bestValue || (_last && v == bestValue)) : (v < bestValue || (_last && v == bestValue));
                    if (better)
                    {
                        best = d;
                        bestValue = v;
                    }
                }

                r[(o * inner) + i] = best;
            }
        }

        var shape = _keepDims
            ? x.Shape.Select((d, i) => i == axis ? 1 : d).ToArray()
            : x.Shape.Where((_, i) => i != axis).ToArray();
        return One(new Tensor(ElementType.Int64, shape, r));
    }
}

/// <summary>ReduceSum, ReduceMean, ReduceSumSquare, ReduceMax, ReduceMin; axes as an input where the opset says so.</summary>
internal sealed class ReduceKernel : Kernel
{
    private readonly string _op;
    private readonly bool _keepDims;
    private readonly bool _noopWithEmptyAxes;
    private readonly bool _axesFromInput;
    private readonly long[]? _axes;

    public ReduceKernel(NodeContext ctx)
    {
        _op = ctx.OpType;
        _keepDims = ctx.Int("keepdims", 1) != 0;
        _noopWithEmptyAxes = ctx.Int("noop_with_empty_axes", 0) != 0;
        _axesFromInput = ctx.Opset >= (_op == "ReduceSum" ? 13 : 18);
        _axes = _axesFromInput ? null : ctx.Ints("axes");
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _op);
        var axesList = _axesFromInput ? Optional(inputs, 1)?.ToInt64Array() : _axes;
        if ((axesList is null || axesList.Length == 0) && _noopWithEmptyAxes)
        {
            return One(x);
        }

        var reduce = new bool[x.Rank];
        if (axesList is null || axesList.Length == 0)
        {
            Array.Fill(reduce, true);
        }
        else
        {
            foreach (var a in axesList)
            {
                reduce[Axes.Normalize(a, x.Rank, _op)] = true;
            }
        }

        var outShapeKeep = x.Shape.Select((d, i) => reduce[i] ? 1 : d).ToArray();
        var n = Tensor.SizeOf(outShapeKeep);
        var acc = new double[n];
        var counts = x.Length / Math.Max(n, 1);
        var init = _op switch
        {
            "ReduceMax" => double.NegativeInfinity,
            "ReduceMin" => double.PositiveInfinity,
            _ => 0.0,
        };
        Array.Fill(acc, init);
        var outStrides = Axes.RowMajorStrides(outShapeKeep);
        var index = new int[x.Rank];
        for (var i = 0; i < x.Length; i++)
        {
            var o = 0;
            for (var d = 0; d < x.Rank; d++)
            {
                if (!reduce[d])
                {
                    o += index[d] * outStrides[d];
                }
            }

            var v = x.Numbers[i];
            acc[o] = _op switch
            {
                "ReduceMax" => Math.Max(acc[o], v),
                "ReduceMin" => Math.Min(acc[o], v),
                "ReduceSumSquare" => acc[o] + (v * v),
                _ => acc[o] + v,
            };
            for (var d = x.Rank - 1; d >= 0; d--)
            {
                if (++index[d] < x.Shape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }

        if (_op == "ReduceMean")
        {
            for (var i = 0; i < n; i++)
            {
                acc[i] /= counts;
            }
        }

        ElementTypes.Narrow(x.Type, acc);
        var shape = _keepDims ? outShapeKeep : x.Shape.Where((_, i) => !reduce[i]).ToArray();
        return One(new Tensor(x.Type, shape, acc));
    }
}
