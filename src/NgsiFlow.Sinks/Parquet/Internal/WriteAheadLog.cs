using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NgsiFlow.Engine.Records;

namespace NgsiFlow.Sinks.Parquet.Internal;

/// <summary>
/// The Parquet sink's durability before a file is rolled: each written batch is appended to the current segment as
/// JSON lines (<c>partition</c> and <c>record</c>, times tagged so they come back as times) and flushed to disk;
/// a segment is deleted once every partition of it is in committed files, which a <c>.committed</c> list records
/// as they are renamed, so that replay after a crash writes each record exactly once.
/// </summary>
internal sealed class WriteAheadLog : IAsyncDisposable
{
    private const string TimeTag = "$ngsiflow.time";
    private readonly string _directory;
    private FileStream? _segment;
    private long _number;

    public WriteAheadLog(string directory)
    {
        _directory = directory;
    }

    public string CurrentPath => SegmentPath(_number);

    /// <summary>The segments a previous run left, oldest first.</summary>
    public IEnumerable<long> Leftovers() => System.IO.Directory.Exists(_directory)
        ? System.IO.Directory.EnumerateFiles(_directory, "segment-*.jsonl")
            .Select(f => long.Parse(Path.GetFileNameWithoutExtension(f)["segment-".Length..], CultureInfo.InvariantCulture))
            .Order()
        : [];

    public void Open(long after)
    {
        System.IO.Directory.CreateDirectory(_directory);
        _number = after + 1;
        _segment = new FileStream(SegmentPath(_number), FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    /// <summary>Appends the lines and flushes them to disk; returns each line's length.</summary>
    public int[] Append(IReadOnlyList<(string Partition, Record Record)> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * entries.Count);
        var lengths = new int[entries.Count];
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            for (var i = 0; i < entries.Count; i++)
            {
                var before = buffer.WrittenCount + (int)writer.BytesPending;
                writer.WriteStartObject();
                writer.WriteString("p", entries[i].Partition);
                writer.WritePropertyName("r");
                WriteRecord(writer, entries[i].Record);
                writer.WriteEndObject();
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
                lengths[i] = buffer.WrittenCount - before;
            }
        }

        _segment!.Write(buffer.WrittenSpan);
        _segment.Flush(flushToDisk: true);
        return lengths;
    }

    /// <summary>Records that <paramref name="partition"/> of segment <paramref name="number"/> is in a committed file.</summary>
    public void MarkCommitted(long number, string partition)
    {
        File.AppendAllText(CommittedPath(number), partition + "\n", Encoding.UTF8);
    }

    /// <summary>Ends the current segment and starts the next; returns the ended one's number.</summary>
    public long Rotate()
    {
        var ended = _number;
        _segment?.Dispose();
        Open(ended);
        return ended;
    }

    public void Delete(long number)
    {
        File.Delete(SegmentPath(number));
        File.Delete(CommittedPath(number));
    }

    /// <summary>The records of a segment whose partitions were not committed yet, by partition.</summary>
    public Dictionary<string, List<Record>> Read(long number)
    {
        var committed = File.Exists(CommittedPath(number)) ? File.ReadAllLines(CommittedPath(number)).ToHashSet(StringComparer.Ordinal) : [];
        var result = new Dictionary<string, List<Record>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(SegmentPath(number)))
        {
            if (line.Length == 0)
            {
                continue;
            }

            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                // The last line of a segment cut off by a crash: its batch was never acknowledged.
                continue;
            }

            using (json)
            {
                var partition = json.RootElement.GetProperty("p").GetString()!;
                if (!committed.Contains(partition))
                {
                    (result.TryGetValue(partition, out var list) ? list : result[partition] = []).Add(ReadRecord(json.RootElement.GetProperty("r")));
                }
            }
        }

        return result;
    }

    /// <summary>Closes the current segment, deleting it when it holds nothing (everything was committed).</summary>
    public ValueTask DisposeAsync()
    {
        if (_segment is { } segment)
        {
            var empty = segment.Length == 0;
            segment.Dispose();
            _segment = null;
            if (empty)
            {
                Delete(_number);
            }
        }

        return ValueTask.CompletedTask;
    }

    private string SegmentPath(long number) => Path.Combine(_directory, $"segment-{number.ToString("D10", CultureInfo.InvariantCulture)}.jsonl");

    private string CommittedPath(long number) => Path.Combine(_directory, $"segment-{number.ToString("D10", CultureInfo.InvariantCulture)}.committed");

    private static void WriteRecord(Utf8JsonWriter writer, Record record)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in record)
        {
            writer.WritePropertyName(name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case DateTimeOffset t:
                writer.WriteStartObject();
                writer.WriteString(TimeTag, t);
                writer.WriteEndObject();
                break;
            case Record r:
                WriteRecord(writer, r);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case double d when !double.IsFinite(d):
                writer.WriteNullValue();
                break;
            case double d:
                // A whole number keeps its ".0", so that it comes back as a double rather than a long.
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                writer.WriteRawValue(double.IsInteger(d) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text, skipInputValidation: true);
                break;
            default:
                Record.WriteJsonValue(writer, value);
                break;
        }
    }

    private static Record ReadRecord(JsonElement json)
    {
        var record = new Record();
        foreach (var property in json.EnumerateObject())
        {
            record[property.Name] = ReadValue(property.Value);
        }

        return record;
    }

    private static object? ReadValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object when value.TryGetProperty(TimeTag, out var time) => time.GetDateTimeOffset(),
        JsonValueKind.Object => ReadRecord(value),
        JsonValueKind.Array => value.EnumerateArray().Select(ReadValue).ToArray(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        _ => null,
    };
}
