namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>Scaler: (x - offset) * scale per column; a single offset/scale applies to every column.</summary>
internal sealed class ScalerKernel : Kernel
{
    private readonly double[] _offset;
    private readonly double[] _scale;

    public ScalerKernel(NodeContext ctx)
    {
        _offset = ctx.Floats("offset")?.Select(f => (double)f).ToArray() ?? [0];
        _scale = ctx.Floats("scale")?.Select(f => (double)f).ToArray() ?? [1];
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Scaler");
        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        if ((_offset.Length > 1 && _offset.Length != width) || (_scale.Length > 1 && _scale.Length != width))
        {
            throw new InvalidOperationException($"Scaler: {width} columns, but offset/scale have {_offset.Length}/{_scale.Length} entries.");
        }

        var r = new double[x.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var c = i % width;
            r[i] = (x.Numbers[i] - _offset[_offset.Length == 1 ? 0 : c]) * _scale[_scale.Length == 1 ? 0 : c];
        }

        ElementTypes.Narrow(ElementType.Float, r);
        return One(new Tensor(ElementType.Float, x.Shape, r));
    }
}

/// <summary>Normalizer: each row divided by its MAX, L1 or L2 norm.</summary>
internal sealed class NormalizerKernel : Kernel
{
    private readonly string _norm;

    public NormalizerKernel(NodeContext ctx)
    {
        _norm = ctx.String("norm", "MAX");
        if (_norm is not ("MAX" or "L1" or "L2"))
        {
            throw ctx.Error($"norm '{_norm}' is not supported (MAX, L1, L2).");
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Normalizer");
        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        var r = new double[x.Length];
        for (var row = 0; row * width < x.Length; row++)
        {
            var span = x.Numbers.AsSpan(row * width, width);
            double norm = 0;
            if (_norm == "MAX")
            {
                norm = double.NegativeInfinity;
                foreach (var v in span)
                {
                    norm = Math.Max(norm, v);
                }
            }
            else
            {
                foreach (var v in span)
                {
                    norm += _norm == "L1" ? Math.Abs(v) : v * v;
                }

                norm = _norm == "L2" ? Math.Sqrt(norm) : norm;
            }

            for (var i = 0; i < width; i++)
            {
                r[(row * width) + i] = norm == 0 ? span[i] : span[i] / norm;
            }
        }

        ElementTypes.Narrow(ElementType.Float, r);
        return One(new Tensor(ElementType.Float, x.Shape, r));
    }
}

/// <summary>Binarizer: 1 where x &gt; threshold, else 0, in the input's type.</summary>
internal sealed class BinarizerKernel : Kernel
{
    private readonly double _threshold;

    public BinarizerKernel(NodeContext ctx) => _threshold = ctx.Float("threshold", 0f);

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Binarizer");
        var r = new double[x.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = x.Numbers[i] > _threshold ? 1 : 0;
        }

        return One(new Tensor(x.Type, x.Shape, r));
    }
}

/// <summary>Imputer: replaces the "missing" marker (NaN by convention) with a per-column value.</summary>
internal sealed class ImputerKernel : Kernel
{
    private readonly double[] _values;
    private readonly double _replaced;

    public ImputerKernel(NodeContext ctx)
    {
        var floats = ctx.Floats("imputed_value_floats");
        var ints = ctx.Ints("imputed_value_int64s");
        if (floats is { Length: > 0 })
        {
            _values = floats.Select(f => (double)f).ToArray();
            _replaced = ctx.Float("replaced_value_float", 0f);
        }
        else if (ints is { Length: > 0 })
        {
            _values = ints.Select(l => (double)l).ToArray();
            _replaced = ctx.Int("replaced_value_int64", 0);
        }
        else
        {
            throw ctx.Error("one of imputed_value_floats and imputed_value_int64s is required.");
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Imputer");
        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        if (_values.Length != 1 && _values.Length != width)
        {
            throw new InvalidOperationException($"Imputer: {width} columns, {_values.Length} imputed values.");
        }

        var r = new double[x.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var v = x.Numbers[i];
            var missing = double.IsNaN(_replaced) ? double.IsNaN(v) : v == _replaced;
            r[i] = missing ? _values[_values.Length == 1 ? 0 : i % width] : v;
        }

        ElementTypes.Narrow(x.Type, r);
        return One(new Tensor(x.Type, x.Shape, r));
    }
}

/// <summary>ArrayFeatureExtractor: selects columns of the last axis by index.</summary>
internal sealed class ArrayFeatureExtractorKernel : Kernel
{
    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "ArrayFeatureExtractor");
        var idx = In(inputs, 1, "ArrayFeatureExtractor").ToInt64Array();
        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        var rows = x.Length / Math.Max(width, 1);
        var shape = x.Rank <= 1 ? new[] { 1, idx.Length } : [.. x.Shape[..^1], idx.Length];
        var source = new int[rows * idx.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < idx.Length; j++)
            {
                if (idx[j] < 0 || idx[j] >= width)
                {
                    throw new InvalidOperationException($"ArrayFeatureExtractor: index {idx[j]} is outside 0..{width - 1}.");
                }

                source[(r * idx.Length) + j] = (int)((r * width) + idx[j]);
            }
        }

        return One(Kernels.Layout.Take(x, shape, source));
    }
}

/// <summary>ZipMap: a [N, C] score tensor to one label→score map per row.</summary>
internal sealed class ZipMapKernel : Kernel
{
    private readonly string[]? _strings;
    private readonly long[]? _ints;

    public ZipMapKernel(NodeContext ctx)
    {
        _strings = ctx.Strings("classlabels_strings");
        _ints = ctx.Ints("classlabels_int64s");
        if ((_strings is null || _strings.Length == 0) == (_ints is null || _ints.Length == 0))
        {
            throw ctx.Error("exactly one of classlabels_strings and classlabels_int64s must be given.");
        }
    }

    public int Count => _strings?.Length ?? _ints!.Length;

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "ZipMap");
        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        if (width != Count)
        {
            throw new InvalidOperationException($"ZipMap: {width} scores per row for {Count} labels.");
        }

        var rows = new double[x.Length / Math.Max(width, 1)][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = x.Numbers.AsSpan(r * width, width).ToArray();
        }

        return One(new MapSequence(_strings is { Length: > 0 } ? _strings : null, _ints is { Length: > 0 } ? _ints : null, rows));
    }
}
