using System.Globalization;

namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>LabelEncoder: maps keys to values (strings, int64s or floats), with a default for unknown keys.</summary>
internal sealed class LabelEncoderKernel : Kernel
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly string[]? _valueStrings;
    private readonly double[]? _valueNumbers;
    private readonly ElementType _outType;
    private readonly string _defaultString;
    private readonly double _defaultNumber;

    public LabelEncoderKernel(NodeContext ctx)
    {
        string[] keys;
        if (ctx.Opset < 2)
        {
            // Opset 1: classes_strings; strings map to their position and positions back to strings.
            keys = ctx.Strings("classes_strings") ?? throw ctx.Error("attribute 'classes_strings' is required.");
            _valueNumbers = Enumerable.Range(0, keys.Length).Select(i => (double)i).ToArray();
            _outType = ElementType.Int64;
            _defaultNumber = ctx.Int("default_int64", -1);
            _defaultString = ctx.String("default_string", "_Unused");
            _valueStrings = keys;
            Opset1 = true;
        }
        else
        {
            keys = ctx.Strings("keys_strings") is { Length: > 0 } ks ? ks
                : ctx.Ints("keys_int64s") is { Length: > 0 } ki ? ki.Select(Key).ToArray()
                : ctx.Floats("keys_floats") is { Length: > 0 } kf ? kf.Select(f => Key(f)).ToArray()
                : throw ctx.Error("one of keys_strings, keys_int64s, keys_floats is required.");
            if (ctx.Strings("values_strings") is { Length: > 0 } vs)
            {
                _valueStrings = vs;
                _outType = ElementType.String;
            }
            else if (ctx.Ints("values_int64s") is { Length: > 0 } vi)
            {
                _valueNumbers = vi.Select(v => (double)v).ToArray();
                _outType = ElementType.Int64;
            }
            else if (ctx.Floats("values_floats") is { Length: > 0 } vf)
            {
                _valueNumbers = vf.Select(v => (double)v).ToArray();
                _outType = ElementType.Float;
            }
            else
            {
                throw ctx.Error("one of values_strings, values_int64s, values_floats is required.");
            }

            if ((_valueStrings?.Length ?? _valueNumbers!.Length) != keys.Length)
            {
                throw ctx.Error("keys and values have different lengths.");
            }

            _defaultString = ctx.String("default_string", "_Unused");
            _defaultNumber = _outType == ElementType.Int64 ? ctx.Int("default_int64", -1) : ctx.Float("default_float", -0f);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            _index.TryAdd(keys[i], i);
        }
    }

    private bool Opset1 { get; }

    private static string Key(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Key(double v) => ((float)v).ToString("R", CultureInfo.InvariantCulture);

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "LabelEncoder");
        if (Opset1)
        {
            if (x.IsString)
            {
                var r = new double[x.Length];
                for (var i = 0; i < r.Length; i++)
                {
                    r[i] = _index.TryGetValue(x.Strings[i], out var k) ? k : _defaultNumber;
                }

                return One(new Tensor(ElementType.Int64, x.Shape, r));
            }

            var s = new string[x.Length];
            for (var i = 0; i < s.Length; i++)
            {
                var k = (long)x.Numbers[i];
                s[i] = k >= 0 && k < _valueStrings!.Length ? _valueStrings[k] : _defaultString;
            }

            return One(new Tensor(x.Shape, s));
        }

        var indices = new int[x.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var key = x.IsString ? x.Strings[i] : ElementTypes.IsInteger(x.Type) ? Key((long)x.Numbers[i]) : Key(x.Numbers[i]);
            indices[i] = _index.TryGetValue(key, out var k) ? k : -1;
        }

        if (_outType == ElementType.String)
        {
            return One(new Tensor(x.Shape, indices.Select(k => k < 0 ? _defaultString : _valueStrings![k]).ToArray()));
        }

        return One(new Tensor(_outType, x.Shape, indices.Select(k => k < 0 ? _defaultNumber : _valueNumbers![k]).ToArray()));
    }
}

/// <summary>OneHotEncoder: each element becomes a vector over the categories (output shape: input shape + [categories]).</summary>
internal sealed class OneHotEncoderKernel : Kernel
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly int _count;
    private readonly bool _zeros;

    public OneHotEncoderKernel(NodeContext ctx)
    {
        var cats = ctx.Strings("cats_strings") is { Length: > 0 } s ? s
            : ctx.Ints("cats_int64s") is { Length: > 0 } i ? i.Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray()
            : throw ctx.Error("one of cats_strings and cats_int64s is required.");
        for (var k = 0; k < cats.Length; k++)
        {
            _index.TryAdd(cats[k], k);
        }

        _count = cats.Length;
        _zeros = ctx.Int("zeros", 1) != 0;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, "OneHotEncoder");
        var r = new double[x.Length * _count];
        for (var i = 0; i < x.Length; i++)
        {
            var key = x.IsString ? x.Strings[i] : ((long)x.Numbers[i]).ToString(CultureInfo.InvariantCulture);
            if (_index.TryGetValue(key, out var k))
            {
                r[(i * _count) + k] = 1;
            }
            else if (!_zeros)
            {
                throw new InvalidOperationException($"OneHotEncoder: unknown category '{key}' (zeros=0).");
            }
        }

        return One(new Tensor(ElementType.Float, [.. x.Shape, _count], r));
    }
}
