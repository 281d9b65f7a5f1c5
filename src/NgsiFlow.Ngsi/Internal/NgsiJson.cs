using System.Buffers;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>Reads <see cref="NgsiValue"/>s straight from a <see cref="Utf8JsonReader"/>.</summary>
internal static class NgsiJson
{
    public const int DefaultMaxDepth = 64;

    public static NgsiValue ParseValue(ReadOnlySpan<byte> json)
    {
        var src = new JsonSource(json, DefaultMaxDepth);
        try
        {
            src.ReadFirst("a JSON value");
            var value = ReadValue(ref src);
            src.ExpectEnd();
            return value;
        }
        catch (JsonException e)
        {
            throw src.Malformed(e);
        }
    }

    /// <summary>Reads the value starting at the current token; leaves the reader on its last token.</summary>
    public static NgsiValue ReadValue(ref JsonSource src)
    {
        ref var r = ref src.Reader;
        switch (r.TokenType)
        {
            case JsonTokenType.Number:
                if (!r.TryGetDouble(out var d) || !double.IsFinite(d))
                {
                    src.Fail("a number that fits a 64-bit floating point value", "a number out of range");
                }

                return NgsiValue.FromNumber(d);
            // Short strings repeat (enumerations, GeoJSON types, units): reuse them like names.
            case JsonTokenType.String: return NgsiValue.FromString(r.ValueSpan.Length <= 32 ? NameCache.Get(ref r) : r.GetString());
            case JsonTokenType.True: return NgsiValue.True;
            case JsonTokenType.False: return NgsiValue.False;
            case JsonTokenType.Null: return NgsiValue.Null;
            case JsonTokenType.StartArray: return ReadArray(ref src);
            case JsonTokenType.StartObject: return ReadObject(ref src);
            default:
                src.Fail("a JSON value");
                return default;
        }
    }

    private static NgsiValue ReadArray(ref JsonSource src)
    {
        src.Read();
        if (src.Token == JsonTokenType.EndArray)
        {
            return NgsiValue.FromArray([]);
        }

        var buffer = ArrayPool<NgsiValue>.Shared.Rent(8);
        var count = 0;
        try
        {
            while (src.Token != JsonTokenType.EndArray)
            {
                if (count == buffer.Length)
                {
                    Grow(ref buffer, count);
                }

                buffer[count++] = ReadValue(ref src);
                src.Read();
            }

            return NgsiValue.FromArray(buffer.AsSpan(0, count).ToArray());
        }
        finally
        {
            buffer.AsSpan(0, count).Clear();
            ArrayPool<NgsiValue>.Shared.Return(buffer);
        }
    }

    private static NgsiValue ReadObject(ref JsonSource src)
    {
        src.Read();
        if (src.Token == JsonTokenType.EndObject)
        {
            return NgsiValue.FromObject([]);
        }

        var buffer = ArrayPool<NgsiMember>.Shared.Rent(8);
        var count = 0;
        try
        {
            while (src.Token != JsonTokenType.EndObject)
            {
                var name = NameCache.Get(ref src.Reader);
                src.Read();
                if (count == buffer.Length)
                {
                    Grow(ref buffer, count);
                }

                buffer[count++] = new NgsiMember(name, ReadValue(ref src));
                src.Read();
            }

            return NgsiValue.FromObject(buffer.AsSpan(0, count).ToArray());
        }
        finally
        {
            buffer.AsSpan(0, count).Clear();
            ArrayPool<NgsiMember>.Shared.Return(buffer);
        }
    }

    private static void Grow<T>(ref T[] buffer, int count)
    {
        var bigger = ArrayPool<T>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, count).CopyTo(bigger);
        buffer.AsSpan(0, count).Clear();
        ArrayPool<T>.Shared.Return(buffer);
        buffer = bigger;
    }

    public static string Describe(NgsiValue value) => value.Kind switch
    {
        NgsiValueKind.Null => "null",
        NgsiValueKind.Boolean => "a boolean",
        NgsiValueKind.Number => "a number",
        NgsiValueKind.String => "a string",
        NgsiValueKind.Array => "an array",
        _ => "an object",
    };

    /// <summary>The attribute type Orion gives a value sent without a type.</summary>
    public static string InferV2Type(NgsiValue value) => value.Kind switch
    {
        NgsiValueKind.Number => NgsiV2AttributeTypes.Number,
        NgsiValueKind.String => NgsiV2AttributeTypes.Text,
        NgsiValueKind.Boolean => NgsiV2AttributeTypes.Boolean,
        NgsiValueKind.Null => NgsiV2AttributeTypes.None,
        _ => NgsiV2AttributeTypes.StructuredValue,
    };
}
