using System.Globalization;
using System.Text;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// One record of the detector's readout, as the CSV line <c>HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS</c>.
/// Records with <see cref="Head"/> 2 are hits; other heads are ancillary records. Channel 139 is the trigger.
/// </summary>
/// <param name="Head">Record kind (2: a hit).</param>
/// <param name="Fpga">Readout board, 0 or 1.</param>
/// <param name="TdcChannel">Channel, 0 to 139 (139: the trigger).</param>
/// <param name="OrbitCount">LHC orbit counter, increasing.</param>
/// <param name="BxCounter">Bunch crossing within the orbit, 0 to 3563.</param>
/// <param name="TdcMeasure">Fine time within the bunch crossing, 0 to 29 (1/30 of 25 ns).</param>
internal readonly record struct DetectorHit(int Head, int Fpga, int TdcChannel, long OrbitCount, int BxCounter, int TdcMeasure)
{
    /// <summary>The CSV header of the <c>data_raw</c> topic.</summary>
    public const string CsvHeader = "HEAD,FPGA,TDC_CHANNEL,ORBIT_CNT,BX_COUNTER,TDC_MEAS";

    /// <summary>The channel that carries the trigger signal.</summary>
    public const int TriggerChannel = 139;

    /// <summary>The head of a hit record.</summary>
    public const int HitHead = 2;

    /// <summary>Channels per chamber (one chamber is half of an FPGA's 128 channels).</summary>
    public const int ChannelsPerChamber = 64;

    /// <summary>Chambers in the detector.</summary>
    public const int ChamberCount = 4;

    private static readonly string[] FieldNames = CsvHeader.Split(',');

    /// <summary>
    /// The chamber of a clean hit: 0 for FPGA 0 channels 0–63, 1 for FPGA 0 channels 64–127, 2 and 3 likewise on
    /// FPGA 1; -1 for what cleaning drops (the trigger, ancillary records, channels outside the chambers).
    /// </summary>
    public int Chamber => Head == HitHead && Fpga is 0 or 1 && TdcChannel is >= 0 and < 2 * ChannelsPerChamber
        ? (Fpga * 2) + (TdcChannel / ChannelsPerChamber)
        : -1;

    /// <summary>Whether this is the trigger channel.</summary>
    public bool IsTrigger => TdcChannel == TriggerChannel;

    /// <summary>The CSV line (no line break).</summary>
    /// <returns>The line.</returns>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture, $"{Head},{Fpga},{TdcChannel},{OrbitCount},{BxCounter},{TdcMeasure}");

    /// <summary>Parses one CSV line.</summary>
    /// <param name="line">The line, without its line break.</param>
    /// <returns>The record.</returns>
    /// <exception cref="FormatException">The line does not have six integer fields in range; the message names the field.</exception>
    public static DetectorHit Parse(ReadOnlySpan<char> line)
    {
        Span<long> values = stackalloc long[6];
        var field = 0;
        var rest = line.TrimEnd('\r');
        while (true)
        {
            var comma = rest.IndexOf(',');
            var text = comma < 0 ? rest : rest[..comma];
            if (field >= 6)
            {
                throw new FormatException($"Detector record '{line}': more than 6 fields (expected {CsvHeader}).");
            }

            if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[field]))
            {
                throw new FormatException($"Detector record '{line}': field {field + 1} ({FieldNames[field]}) '{text}' is not an integer.");
            }

            field++;
            if (comma < 0)
            {
                break;
            }

            rest = rest[(comma + 1)..];
        }

        if (field != 6)
        {
            throw new FormatException($"Detector record '{line}': {field} field(s), expected 6 ({CsvHeader}).");
        }

        Check(line, 0, values[0], 0, 7);
        Check(line, 1, values[1], 0, 1);
        Check(line, 2, values[2], 0, TriggerChannel);
        Check(line, 3, values[3], 0, long.MaxValue);
        Check(line, 4, values[4], 0, 3563);
        Check(line, 5, values[5], 0, 31);
        return new DetectorHit((int)values[0], (int)values[1], (int)values[2], values[3], (int)values[4], (int)values[5]);
    }

    /// <summary>Parses a message body holding one or more CSV lines (UTF-8); a header line and blank lines are skipped.</summary>
    /// <param name="body">The body.</param>
    /// <returns>The records in line order.</returns>
    /// <exception cref="FormatException">A line is not a record; the message names the line and field.</exception>
    public static DetectorHit[] ParseLines(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        var hits = new List<DetectorHit>(Math.Max(1, text.Length / 24));
        var lineNumber = 0;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            lineNumber++;
            var line = text.AsSpan(range).TrimEnd('\r');
            if (line.IsWhiteSpace() || line.StartsWith("HEAD", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                hits.Add(Parse(line));
            }
            catch (FormatException ex)
            {
                throw new FormatException($"Line {lineNumber}: {ex.Message}", ex);
            }
        }

        return [.. hits];
    }

    private static void Check(ReadOnlySpan<char> line, int field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new FormatException($"Detector record '{line}': field {field + 1} ({FieldNames[field]}) is {value}, outside {min}..{max}.");
        }
    }
}
