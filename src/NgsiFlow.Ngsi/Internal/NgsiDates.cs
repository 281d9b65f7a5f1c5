using System.Globalization;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>
/// ISO 8601 dates as the brokers write them (<c>2024-10-21T10:15:30.123Z</c>). A hand-written parser, because
/// notifications carry a date per attribute (observedAt, TimeInstant) and the general-purpose parsers cost
/// more than the rest of the attribute.
/// </summary>
internal static class NgsiDates
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset value) => TryParse(text.AsSpan(), out value);

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length > 64)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                return false;
            }

            bytes[i] = (byte)text[i];
        }

        return TryParse(bytes, out value);
    }

    /// <summary>Date, optional time (minutes, seconds, any fraction), optional zone (Z, ±hh:mm, ±hhmm); no zone means UTC.</summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long ticks = 0;
        var pos = 10;
        if (pos < s.Length && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' '))
        {
            if (s.Length < pos + 6 || s[pos + 3] != ':' || !Digits(s, pos + 1, 2, out hour) || !Digits(s, pos + 4, 2, out minute))
            {
                return false;
            }

            pos += 6;
            if (pos < s.Length && s[pos] == ':')
            {
                if (!Digits(s, pos + 1, 2, out second))
                {
                    return false;
                }

                pos += 3;
                if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
                {
                    pos++;
                    var start = pos;
                    long scale = TimeSpan.TicksPerSecond;
                    while (pos < s.Length && char.IsAsciiDigit((char)s[pos]))
                    {
                        scale /= 10;
                        ticks += (s[pos] - '0') * scale;
                        pos++;
                    }

                    if (pos == start)
                    {
                        return false;
                    }
                }
            }

            if (hour > 23 || minute > 59 || second > 59)
            {
                return false;
            }
        }

        var offset = TimeSpan.Zero;
        if (pos < s.Length)
        {
            if ((s[pos] == 'Z' || s[pos] == 'z') && pos == s.Length - 1)
            {
                pos++;
            }
            else if (s[pos] == '+' || s[pos] == '-')
            {
                var sign = s[pos] == '-' ? -1 : 1;
                if (!Digits(s, pos + 1, 2, out var oh))
                {
                    return false;
                }

                var mStart = pos + 3 < s.Length && s[pos + 3] == ':' ? pos + 4 : pos + 3;
                var om = 0;
                if (mStart < s.Length && !Digits(s, mStart, 2, out om))
                {
                    return false;
                }

                if (oh > 14 || om > 59)
                {
                    return false;
                }

                offset = new TimeSpan(sign * oh, sign * om, 0);
                pos = mStart < s.Length ? mStart + 2 : s.Length;
            }
        }

        if (pos != s.Length)
        {
            return false;
        }

        var utcTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
