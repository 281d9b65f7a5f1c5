namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>Unary element-wise operators: Relu, Sigmoid, Tanh, Sqrt, Exp, Log, Abs, Neg.</summary>
internal sealed class UnaryKernel : Kernel
{
    private readonly string _op;
    private readonly Func<double, double> _f;

    public UnaryKernel(string op, Func<double, double> f)
    {
        _op = op;
        _f = f;
    }

    public static Func<NodeContext, Kernel> Factory(Func<double, double> f) => ctx => new UnaryKernel(ctx.OpType, f);

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _op);
        var r = new double[x.Length];
        var src = x.Numbers;
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = _f(src[i]);
        }

        ElementTypes.Narrow(x.Type, r);
        return One(new Tensor(x.Type, x.Shape, r));
    }
}

/// <summary>Binary broadcasting operators: Add, Sub, Mul, Div, Pow. The result has the first input's type.</summary>
internal sealed class BinaryKernel : Kernel
{
    private readonly string _op;
    private readonly Func<double, double, double> _f;
    private readonly Func<double, double, double>? _integer;

    public BinaryKernel(string op, Func<double, double, double> f, Func<double, double, double>? integer)
    {
        _op = op;
        _f = f;
        _integer = integer;
    }

    public static Func<NodeContext, Kernel> Factory(Func<double, double, double> f, Func<double, double, double>? integer = null) =>
        ctx => new BinaryKernel(ctx.OpType, f, integer);

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var a = In(inputs, 0, _op);
        var b = In(inputs, 1, _op);
        var shape = Broadcast.Shape(a.Shape, b.Shape, _op);
        var f = _integer is not null && ElementTypes.IsInteger(a.Type) ? _integer : _f;
        var r = Broadcast.Apply(a, b, shape, f);
        ElementTypes.Narrow(a.Type, r);
        return One(new Tensor(a.Type, shape, r));
    }
}

/// <summary>Clip: bounds from attributes before opset 11, from optional inputs since.</summary>
internal sealed class ClipKernel : Kernel
{
    private readonly double _min;
    private readonly double _max;
    private readonly bool _fromInputs;

    public ClipKernel(NodeContext ctx)
    {
        _fromInputs = ctx.Opset >= 11;
        _min = ctx.Float("min", float.MinValue);
        _max = ctx.Float("max", float.MaxValue);
        if (_fromInputs)
        {
            _min = double.NegativeInfinity;
            _max = double.PositiveInfinity;
        }
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "Clip");
        var min = _min;
        var max = _max;
        if (_fromInputs)
        {
            if (Optional(inputs, 1) is { Length: > 0 } lo)
            {
                min = lo.Numbers[0];
            }

            if (Optional(inputs, 2) is { Length: > 0 } hi)
            {
                max = hi.Numbers[0];
            }
        }

        var r = new double[x.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var v = x.Numbers[i];
            r[i] = v < min ? min : v > max ? max : v;
        }

        ElementTypes.Narrow(x.Type, r);
        return One(new Tensor(x.Type, x.Shape, r));
    }
}
