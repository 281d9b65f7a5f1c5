using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace NgsiFlow.Inference.Internal.Runtime;

/// <summary>Converts between NgsiFlow's tensors (numbers held as doubles) and ONNX Runtime's values.</summary>
internal static class OrtValues
{
    /// <summary>An ONNX Runtime tensor of the declared element type holding <paramref name="t"/>'s values.</summary>
    public static OrtValue FromTensor(Tensor t, ValueDeclaration declared)
    {
        var shape = new long[t.Rank];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = t.Shape[i];
        }

        var x = t.Numbers;
        return declared.Type switch
        {
            ElementType.Double => OrtValue.CreateTensorValueFromMemory(x, shape),
            ElementType.Float => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (float)v), shape),
            ElementType.Int64 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (long)v), shape),
            ElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (int)v), shape),
            ElementType.Int16 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (short)v), shape),
            ElementType.Int8 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (sbyte)v), shape),
            ElementType.UInt8 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (byte)v), shape),
            ElementType.UInt16 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (ushort)v), shape),
            ElementType.Bool => OrtValue.CreateTensorValueFromMemory(Convert(x, v => v != 0), shape),
            ElementType.Float16 => OrtValue.CreateTensorValueFromMemory(Convert(x, v => (Float16)(float)v), shape),
            _ => throw new ModelInputException($"Input '{declared.Name}' has element type {ElementTypes.Name(declared.Type)}, which NgsiFlow cannot pass to ONNX Runtime."),
        };
    }

    /// <summary>An ONNX Runtime result as an NgsiFlow value: a tensor, or a sequence of maps (ZipMap).</summary>
    public static OnnxValue ToOnnxValue(OrtValue value, string name)
    {
        switch (value.OnnxType)
        {
            case OnnxValueType.ONNX_TYPE_TENSOR:
                return ToTensor(value, name);
            case OnnxValueType.ONNX_TYPE_SEQUENCE:
                return ToMaps(value, name);
            default:
                throw new ModelInputException($"Output '{name}' is an ONNX {value.OnnxType}, which NgsiFlow does not read.");
        }
    }

    private static Tensor ToTensor(OrtValue value, string name)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape.Select(d => checked((int)d)).ToArray();
        var type = (ElementType)(int)info.ElementDataType;
        if (info.IsString)
        {
            return new Tensor(shape, value.GetStringTensorAsArray());
        }

        double[] numbers = type switch
        {
            ElementType.Float => Widen(value.GetTensorDataAsSpan<float>(), v => v),
            ElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            ElementType.Int64 => Widen(value.GetTensorDataAsSpan<long>(), v => v),
            ElementType.Int32 => Widen(value.GetTensorDataAsSpan<int>(), v => v),
            ElementType.Int16 => Widen(value.GetTensorDataAsSpan<short>(), v => v),
            ElementType.Int8 => Widen(value.GetTensorDataAsSpan<sbyte>(), v => v),
            ElementType.UInt8 => Widen(value.GetTensorDataAsSpan<byte>(), v => v),
            ElementType.UInt16 => Widen(value.GetTensorDataAsSpan<ushort>(), v => v),
            ElementType.UInt32 => Widen(value.GetTensorDataAsSpan<uint>(), v => v),
            ElementType.UInt64 => Widen(value.GetTensorDataAsSpan<ulong>(), v => v),
            ElementType.Bool => Widen(value.GetTensorDataAsSpan<bool>(), v => v ? 1 : 0),
            ElementType.Float16 => Widen(value.GetTensorDataAsSpan<Float16>(), v => (float)v),
            _ => throw new ModelInputException($"Output '{name}' has element type {type}, which NgsiFlow does not read."),
        };
        return new Tensor(type, shape, numbers);
    }

    private static MapSequence ToMaps(OrtValue sequence, string name)
    {
        var allocator = OrtAllocator.DefaultInstance;
        var count = sequence.GetValueCount();
        var rows = new double[count][];
        string[]? stringKeys = null;
        long[]? intKeys = null;
        for (var r = 0; r < count; r++)
        {
            using var map = sequence.GetValue(r, allocator);
            if (map.OnnxType != OnnxValueType.ONNX_TYPE_MAP)
            {
                throw new ModelInputException($"Output '{name}' is a sequence of {map.OnnxType}, not of maps.");
            }

            using var keys = map.GetValue(0, allocator);
            using var values = map.GetValue(1, allocator);
            var k = ToTensor(keys, name);
            var v = ToTensor(values, name);
            if (r == 0)
            {
                stringKeys = k.IsString ? k.Strings : null;
                intKeys = k.IsString ? null : k.ToInt64Array();
            }

            rows[r] = v.Numbers;
        }

        return new MapSequence(stringKeys ?? (intKeys is null ? [] : null), intKeys, rows);
    }

    private static T[] Convert<T>(double[] values, Func<double, T> convert)
    {
        var r = new T[values.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = convert(values[i]);
        }

        return r;
    }

    private static double[] Widen<T>(ReadOnlySpan<T> values, Func<T, double> widen)
    {
        var r = new double[values.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = widen(values[i]);
        }

        return r;
    }
}
