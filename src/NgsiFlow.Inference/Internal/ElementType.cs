namespace NgsiFlow.Inference.Internal;

/// <summary>ONNX tensor element types, numbered as in onnx.proto's TensorProto.DataType.</summary>
internal enum ElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

internal static class ElementTypes
{
    public static bool IsSupported(ElementType t) => t is ElementType.Float or ElementType.Double or ElementType.Float16
        or ElementType.UInt8 or ElementType.Int8 or ElementType.UInt16 or ElementType.Int16 or ElementType.Int32
        or ElementType.Int64 or ElementType.UInt32 or ElementType.UInt64 or ElementType.Bool or ElementType.String;

    public static bool IsFloating(ElementType t) => t is ElementType.Float or ElementType.Double or ElementType.Float16;

    public static bool IsInteger(ElementType t) => t is ElementType.UInt8 or ElementType.Int8 or ElementType.UInt16
        or ElementType.Int16 or ElementType.Int32 or ElementType.Int64 or ElementType.UInt32 or ElementType.UInt64;

    public static string Name(ElementType t) => t.ToString().ToLowerInvariant();

    /// <summary>Rounds or wraps a double to what the element type can hold, so every tensor keeps its type's semantics while stored as doubles.</summary>
    public static double Narrow(ElementType t, double v) => t switch
    {
        ElementType.Float => (float)v,
        ElementType.Double => v,
        ElementType.Float16 => (double)(Half)v,
        ElementType.Bool => v != 0 && !double.IsNaN(v) ? 1 : 0,
        ElementType.Int8 => unchecked((sbyte)(long)v),
        ElementType.UInt8 => unchecked((byte)(long)v),
        ElementType.Int16 => unchecked((short)(long)v),
        ElementType.UInt16 => unchecked((ushort)(long)v),
        ElementType.Int32 => unchecked((int)(long)v),
        ElementType.UInt32 => unchecked((uint)(long)v),
        ElementType.Int64 => double.IsNaN(v) ? long.MinValue : Math.Truncate(v),
        ElementType.UInt64 => double.IsNaN(v) || v < 0 ? 0 : Math.Truncate(v),
        _ => v,
    };

    public static void Narrow(ElementType t, Span<double> values)
    {
        if (t == ElementType.Double)
        {
            return;
        }

        if (t == ElementType.Float)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)values[i];
            }

            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Narrow(t, values[i]);
        }
    }
}
