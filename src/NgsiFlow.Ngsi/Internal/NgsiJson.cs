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
                if (!r.HasValueSequence && TryParseSimpleNumber(r.ValueSpan, out var simple))
                {
                    return NgsiValue.FromNumber(simple);
                }

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

    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Sensor values are short decimals (<c>21.5</c>, <c>-3.7041</c>): with at most 15 digits and no exponent,
    /// mantissa and power of ten are exact doubles, so one division gives the correctly rounded value
    /// (the classic fast path); everything else goes to the general parser.
    /// </summary>
    private static bool TryParseSimpleNumber(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] == '-')
        {
            negative = true;
            i = 1;
        }

        long mantissa = 0;
        var digits = 0;
        var fraction = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c - '0' is >= 0 and <= 9)
            {
                if (++digits > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + (c - '0');
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (c == '.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        value = fraction > 0 ? mantissa / PowersOf10[fraction] : mantissa;
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct EightValues
    {
        private NgsiValue _first;
    }

    [System.Runtime.CompilerServices.InlineArray(8)]
    private struct EightMembers
    {
        private NgsiMember _first;
    }

    private static NgsiValue ReadArray(ref JsonSource src)
    {
        src.Read();
        if (src.Token == JsonTokenType.EndArray)
        {
            return NgsiValue.FromArray([]);
        }

        // Most arrays are small (coordinates, short lists): fill a buffer on the stack, rent only beyond 8 items.
        var local = default(EightValues);
        Span<NgsiValue> items = local;
        NgsiValue[]? rented = null;
        var count = 0;
        try
        {
            while (src.Token != JsonTokenType.EndArray)
            {
                if (count == items.Length)
                {
                    var bigger = ArrayPool<NgsiValue>.Shared.Rent(count * 2);
                    items[..count].CopyTo(bigger);
                    Release(rented, count);
                    rented = bigger;
                    items = bigger;
                }

                items[count++] = ReadValue(ref src);
                src.Read();
            }

            return NgsiValue.FromArray(items[..count].ToArray());
        }
        finally
        {
            Release(rented, count);
        }
    }

    private static NgsiValue ReadObject(ref JsonSource src)
    {
        src.Read();
        if (src.Token == JsonTokenType.EndObject)
        {
            return NgsiValue.FromObject([]);
        }

        var local = default(EightMembers);
        Span<NgsiMember> members = local;
        NgsiMember[]? rented = null;
        var count = 0;
        try
        {
            while (src.Token != JsonTokenType.EndObject)
            {
                var name = NameCache.Get(ref src.Reader);
                src.Read();
                if (count == members.Length)
                {
                    var bigger = ArrayPool<NgsiMember>.Shared.Rent(count * 2);
                    members[..count].CopyTo(bigger);
                    Release(rented, count);
                    rented = bigger;
                    members = bigger;
                }

                members[count++] = new NgsiMember(name, ReadValue(ref src));
                src.Read();
            }

            return NgsiValue.FromObject(members[..count].ToArray());
        }
        finally
        {
            Release(rented, count);
        }
    }

    private static void Release<T>(T[]? rented, int count)
    {
        if (rented is not null)
        {
            rented.AsSpan(0, Math.Min(count, rented.Length)).Clear();
            ArrayPool<T>.Shared.Return(rented);
        }
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
