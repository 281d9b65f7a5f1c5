using System.Text;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>
/// Reuses the strings of names that repeat across entities and notifications (attribute names, types, ids),
/// so a steady stream of notifications does not allocate the same short strings again and again.
/// </summary>
internal static class NameCache
{
    private const int Size = 1024;
    private const int MaxLength = 64;

    [ThreadStatic]
    private static string?[]? t_table;

    /// <summary>The current token (property name or string) as a string, from the cache when seen before.</summary>
    public static string Get(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString()!;
        }

        var span = reader.ValueSpan;
        var length = span.Length;
        if (length == 0)
        {
            return string.Empty;
        }

        if (length > MaxLength)
        {
            return reader.GetString()!;
        }

        var hash = (uint)((length * 31) ^ (span[0] * 7919) ^ (span[length - 1] * 104729) ^ (span[length >> 1] * 613) ^ (span[(length * 3) >> 2] * 37));
        var table = t_table ??= new string?[Size];
        ref var slot = ref table[hash & (Size - 1)];
        var s = slot;
        if (s is not null && s.Length == length && Ascii.Equals(span, s))
        {
            return s;
        }

        if (!Ascii.IsValid(span))
        {
            return reader.GetString()!;
        }

        s = Encoding.ASCII.GetString(span);
        slot = s;
        return s;
    }
}
