using System.Globalization;

namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>Identity: the input tensor unchanged.</summary>
internal sealed class IdentityKernel : Kernel
{
    public override OnnxValue[] Run(OnnxValue?[] inputs) => One(In(inputs, 0, "Identity"));
}

/// <summary>Constant: the tensor given by one of its value attributes.</summary>
internal sealed class ConstantKernel : Kernel
{
    public ConstantKernel(NodeContext ctx)
    {
        Value = ctx.TensorAttribute("value")
            ?? (ctx.Has("value_float") ? Tensor.Scalar(ElementType.Float, ctx.Float("value_float", 0)) : null)
            ?? (ctx.Floats("value_floats") is { } fs ? Tensor.Vector(ElementType.Float, fs.Select(f => (double)f).ToArray()) : null)
            ?? (ctx.Has("value_int") ? Tensor.Scalar(ElementType.Int64, ctx.Int("value_int", 0)) : null)
            ?? (ctx.Ints("value_ints") is { } ls ? Tensor.Vector(ElementType.Int64, ls.Select(l => (double)l).ToArray()) : null)
            ?? (ctx.Has("value_string") ? new Tensor([], [ctx.String("value_string", string.Empty)]) : null)
            ?? (ctx.Strings("value_strings") is { } ss ? new Tensor([ss.Length], ss) : null)
            ?? throw ctx.Unsupported("needs a value attribute (sparse_value is not supported).");
    }

    public Tensor Value { get; }

    public override OnnxValue[] Run(OnnxValue?[] inputs) => One(Value);
}

/// <summary>Cast and CastLike: numeric conversions and number/string conversions.</summary>
internal sealed class CastKernel : Kernel
{
    private readonly ElementType _to;
    private readonly bool _like;

    public CastKernel(NodeContext ctx, bool like)
    {
        _like = like;
        if (!like)
        {
            _to = (ElementType)ctx.Int("to", 0);
            if (!ElementTypes.IsSupported(_to))
            {
                throw ctx.Unsupported($"casting to {_to} is not supported.");
            }
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Cast");
        var to = _like ? In(inputs, 1, "CastLike").Type : _to;
        return One(Convert(x, to));
    }

    public static Tensor Convert(Tensor x, ElementType to)
    {
        if (to == ElementType.String)
        {
            if (x.IsString)
            {
                return x;
            }

            var s = new string[x.Length];
            for (var i = 0; i < s.Length; i++)
            {
                s[i] = Format(x.Type, x.Numbers[i]);
            }

            return new Tensor(x.Shape, s);
        }

        var r = new double[x.Length];
        if (x.IsString)
        {
            for (var i = 0; i < r.Length; i++)
            {
                r[i] = ParseNumber(x.Strings[i]);
            }
        }
        else
        {
            Array.Copy(x.Numbers, r, r.Length);
        }

        ElementTypes.Narrow(to, r);
        return new Tensor(to, x.Shape, r);
    }

    private static string Format(ElementType type, double v)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "INF" : "-INF";
        }

        return type switch
        {
            ElementType.Float => ((float)v).ToString("R", CultureInfo.InvariantCulture),
            ElementType.Float16 => ((Half)v).ToString(CultureInfo.InvariantCulture),
            _ => v.ToString("R", CultureInfo.InvariantCulture),
        };
    }

    private static double ParseNumber(string s)
    {
        var t = s.Trim();
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("+inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }

        if (t.Equals("-inf", StringComparison.OrdinalIgnoreCase) || t.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            return double.NegativeInfinity;
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidOperationException($"Cast: '{s}' is not a number.");
    }
}

/// <summary>Reshape with a shape input (0 copies a dimension unless allowzero, -1 infers one).</summary>
internal sealed class ReshapeKernel : Kernel
{
    private readonly bool _allowZero;

    public ReshapeKernel(NodeContext ctx) => _allowZero = ctx.Int("allowzero", 0) != 0;

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Reshape");
        var spec = In(inputs, 1, "Reshape").ToInt64Array();
        var shape = new int[spec.Length];
        var infer = -1;
        var known = 1;
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] == -1)
            {
                if (infer >= 0)
                {
                    throw new InvalidOperationException("Reshape: more than one -1 in the shape.");
                }

                infer = i;
                continue;
            }

            shape[i] = spec[i] == 0 && !_allowZero ? x.Shape[i] : (int)spec[i];
            known *= shape[i];
        }

        if (infer >= 0)
        {
            shape[infer] = known == 0 ? 0 : x.Length / known;
        }

        if (Tensor.SizeOf(shape) != x.Length)
        {
            throw new InvalidOperationException($"Reshape: cannot reshape {x} to [{string.Join(",", shape)}].");
        }

        return One(x.WithShape(shape));
    }
}

/// <summary>Flatten to 2-D at an axis.</summary>
internal sealed class FlattenKernel : Kernel
{
    private readonly long _axis;

    public FlattenKernel(NodeContext ctx) => _axis = ctx.Int("axis", 1);

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Flatten");
        var axis = (int)(_axis < 0 ? _axis + x.Rank : _axis);
        if (axis < 0 || axis > x.Rank)
        {
            throw new InvalidOperationException($"Flatten: axis {_axis} is out of range for {x}.");
        }

        return One(x.WithShape([Axes.Product(x.Shape, 0, axis), Axes.Product(x.Shape, axis, x.Rank)]));
    }
}

/// <summary>Shape, with the opset 15 start and end attributes.</summary>
internal sealed class ShapeKernel : Kernel
{
    private readonly long _start;
    private readonly long? _end;

    public ShapeKernel(NodeContext ctx)
    {
        _start = ctx.Int("start", 0);
        _end = ctx.Has("end") ? ctx.Int("end", 0) : null;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Shape");
        var rank = x.Rank;
        var start = (int)Math.Clamp(_start < 0 ? _start + rank : _start, 0, rank);
        var endRaw = _end ?? rank;
        var end = (int)Math.Clamp(endRaw < 0 ? endRaw + rank : endRaw, 0, rank);
        var dims = new double[Math.Max(0, end - start)];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = x.Shape[start + i];
        }

        return One(Tensor.Vector(ElementType.Int64, dims));
    }
}
