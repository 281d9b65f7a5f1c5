using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Internal;

/// <summary>Converts ONNX TensorProto messages to and from <see cref="Tensor"/>.</summary>
internal static class TensorProtos
{
    public static Tensor ToTensor(TensorProto proto, string what)
    {
        var type = (ElementType)proto.DataType;
        if (!ElementTypes.IsSupported(type))
        {
            throw new ModelLoadException($"{what}: element type {type} is not supported.") { Unsupported = true };
        }

        if (proto.DataLocation != 0)
        {
            throw new ModelLoadException($"{what}: tensors stored in external files are not supported.") { Unsupported = true };
        }

        var shape = new int[proto.Dims.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = checked((int)proto.Dims[i]);
        }

        var size = Tensor.SizeOf(shape);
        if (type == ElementType.String)
        {
            if (proto.StringData.Count != size)
            {
                throw new ModelLoadException($"{what}: {proto.StringData.Count} strings for shape [{string.Join(",", shape)}].");
            }

            var strings = new string[size];
            for (var i = 0; i < size; i++)
            {
                strings[i] = proto.StringData[i].ToStringUtf8();
            }

            return new Tensor(shape, strings);
        }

        var numbers = new double[size];
        if (!proto.RawData.IsEmpty)
        {
            ReadRaw(type, proto.RawData.Span, numbers, what);
        }
        else
        {
            var count = type switch
            {
                ElementType.Float => Copy(proto.FloatData, numbers, x => x),
                ElementType.Double => Copy(proto.DoubleData, numbers, x => x),
                ElementType.Int64 => Copy(proto.Int64Data, numbers, x => x),
                ElementType.UInt32 or ElementType.UInt64 => Copy(proto.Uint64Data, numbers, x => x),
                ElementType.Float16 => Copy(proto.Int32Data, numbers, x => (double)BitConverter.UInt16BitsToHalf((ushort)x)),
                _ => Copy(proto.Int32Data, numbers, x => x),
            };
            if (count != size)
            {
                throw new ModelLoadException($"{what}: {count} values for shape [{string.Join(",", shape)}].");
            }
        }

        ElementTypes.Narrow(type, numbers);
        return new Tensor(type, shape, numbers);
    }

    private static int Copy<T>(Google.Protobuf.Collections.RepeatedField<T> source, double[] target, Func<T, double> convert)
    {
        var n = Math.Min(source.Count, target.Length);
        for (var i = 0; i < n; i++)
        {
            target[i] = convert(source[i]);
        }

        return source.Count;
    }

    private static void ReadRaw(ElementType type, ReadOnlySpan<byte> raw, double[] numbers, string what)
    {
        var width = type switch
        {
            ElementType.Double or ElementType.Int64 or ElementType.UInt64 => 8,
            ElementType.Float or ElementType.Int32 or ElementType.UInt32 => 4,
            ElementType.Float16 or ElementType.Int16 or ElementType.UInt16 => 2,
            _ => 1,
        };
        if (raw.Length != numbers.Length * width)
        {
            throw new ModelLoadException($"{what}: raw data holds {raw.Length} bytes, expected {numbers.Length * width}.");
        }

        for (var i = 0; i < numbers.Length; i++)
        {
            var b = raw.Slice(i * width, width);
            numbers[i] = type switch
            {
                ElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(b),
                ElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(b),
                ElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b),
                ElementType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(b),
                ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b),
                ElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(b),
                ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b),
                ElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(b),
                ElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(b),
                ElementType.Int8 => (sbyte)b[0],
                _ => b[0],
            };
        }
    }

    public static Tensor Parse(byte[] bytes, string what)
    {
        TensorProto proto;
        try
        {
            proto = TensorProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException($"{what}: not a valid ONNX TensorProto ({ex.Message}).", ex);
        }

        return ToTensor(proto, what);
    }

    public static string Utf8(ByteString s) => Encoding.UTF8.GetString(s.Span);
}
