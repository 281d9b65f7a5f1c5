using System.Globalization;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>ISO 8601 dates as Orion renders and parses them.</summary>
internal static class Dates
{
    /// <summary>Milliseconds, UTC, with a Z: <c>2024-01-02T03:04:05.678Z</c>.</summary>
    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Orion's DateTime grammar (orion-api.md "Datetime support"): <c>YYYY-MM-DD</c>, optionally followed by <c>T</c> and a
    /// time (<c>hh</c>, <c>hh:mm</c>/<c>hhmm</c>, <c>hh:mm:ss</c>/<c>hhmmss</c>, each with an optional fraction of a
    /// second) and then a zone (<c>Z</c>, <c>±hh</c>, <c>±hh:mm</c>, <c>±hhmm</c>); no zone means UTC, and a date alone
    /// cannot carry a zone. The result is UTC, truncated to milliseconds as Orion keeps it.
    /// </summary>
    public static bool TryParse(string? text, out DateTime utc)
    {
        utc = default;
        if (text is null || text.Length < 10 || text[4] != '-' || text[7] != '-'
            || !Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offset = TimeSpan.Zero;
        var i = 10;
        if (i < text.Length)
        {
            if (text[i++] != 'T' || !Digits(text, i, 2, out hour))
            {
                return false;
            }

            i += 2;
            var colons = i < text.Length && text[i] == ':';
            if (i < text.Length && (colons || char.IsAsciiDigit(text[i])))
            {
                if (!Field(text, ref i, colons, out minute))
                {
                    return false;
                }

                if (i < text.Length && (colons ? text[i] == ':' : char.IsAsciiDigit(text[i])))
                {
                    if (!Field(text, ref i, colons, out second))
                    {
                        return false;
                    }

                    if (i < text.Length && text[i] == '.')
                    {
                        var first = ++i;
                        while (i < text.Length && char.IsAsciiDigit(text[i]))
                        {
                            if (i - first < 7)
                            {
                                fractionTicks += (text[i] - '0') * Pow10(6 - (i - first));
                            }

                            i++;
                        }

                        if (i == first)
                        {
                            return false;
                        }
                    }
                }
            }

            if (i < text.Length && !TryZone(text, i, out offset))
            {
                return false;
            }
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks - (fractionTicks % TimeSpan.TicksPerMillisecond));
        var ticks = local.Ticks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Field(string text, ref int i, bool colons, out int value)
    {
        if (colons)
        {
            i++;
        }

        var ok = Digits(text, i, 2, out value);
        i += 2;
        return ok;
    }

    private static bool TryZone(string text, int i, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text[i] == 'Z')
        {
            return i + 1 == text.Length;
        }

        if (text[i] is not ('+' or '-') || !Digits(text, i + 1, 2, out var hours))
        {
            return false;
        }

        var minutes = 0;
        var rest = text.Length - (i + 3);
        if (rest == 3 && text[i + 3] == ':' ? !Digits(text, i + 4, 2, out minutes) : rest == 2 ? !Digits(text, i + 3, 2, out minutes) : rest != 0)
        {
            return false;
        }

        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        offset = new TimeSpan(hours, minutes, 0);
        if (text[i] == '-')
        {
            offset = -offset;
        }

        return true;
    }

    private static bool Digits(string text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var k = start; k < start + count; k++)
        {
            if (!char.IsAsciiDigit(text[k]))
            {
                return false;
            }

            value = (value * 10) + (text[k] - '0');
        }

        return true;
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var k = 0; k < exponent; k++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>Now, truncated to milliseconds as Orion stores it.</summary>
    public static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
