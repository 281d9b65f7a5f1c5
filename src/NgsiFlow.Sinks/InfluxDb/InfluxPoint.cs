namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>
/// One InfluxDB point: a measurement, tags (indexed strings), at least one typed field and an optional timestamp.
/// Built fluently: <c>new InfluxPoint("machine").Tag("id", "m1").Field("temperature", 71.5).At(time)</c>.
/// </summary>
/// <remarks>Names may hold any character but a newline: the writer escapes commas, spaces, equals signs and quotes.</remarks>
public sealed class InfluxPoint
{
    private readonly List<KeyValuePair<string, string>> _tags = [];
    private readonly List<KeyValuePair<string, InfluxFieldValue>> _fields = [];

    /// <summary>Starts a point of <paramref name="measurement"/>.</summary>
    /// <param name="measurement">The measurement name; not empty, no newline.</param>
    public InfluxPoint(string measurement)
    {
        CheckName(measurement, nameof(measurement), "measurement");
        Measurement = measurement;
    }

    /// <summary>The measurement name.</summary>
    public string Measurement { get; }

    /// <summary>The tags, sorted by key (InfluxDB's preferred order).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags => _tags;

    /// <summary>The fields in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, InfluxFieldValue>> Fields => _fields;

    /// <summary>The timestamp in nanoseconds since the Unix epoch; null lets the server stamp the point.</summary>
    public long? TimestampNanoseconds { get; private set; }

    /// <summary>Sets (or replaces) a tag.</summary>
    /// <param name="key">The tag key; not empty, no newline.</param>
    /// <param name="value">The tag value; not empty (InfluxDB has no empty tag values: leave the tag out instead), no newline.</param>
    public InfluxPoint Tag(string key, string value)
    {
        CheckName(key, nameof(key), "tag key");
        CheckName(value, nameof(value), $"value of tag '{key}'");
        var index = 0;
        while (index < _tags.Count && string.CompareOrdinal(_tags[index].Key, key) < 0)
        {
            index++;
        }

        if (index == _tags.Count)
        {
            _tags.Add(new(key, value));
        }
        else if (string.Equals(_tags[index].Key, key, StringComparison.Ordinal))
        {
            _tags[index] = new(key, value);
        }
        else
        {
            _tags.Insert(index, new(key, value));
        }

        return this;
    }

    /// <summary>Sets (or replaces) a field.</summary>
    /// <param name="key">The field key; not empty, no newline.</param>
    /// <param name="value">The typed value (implicit from double, long, int, string and bool).</param>
    public InfluxPoint Field(string key, InfluxFieldValue value)
    {
        CheckName(key, nameof(key), "field key");
        var index = -1;
        for (var i = 0; i < _fields.Count; i++)
        {
            if (string.Equals(_fields[i].Key, key, StringComparison.Ordinal))
            {
                index = i;
                break;
            }
        }

        if (index >= 0)
        {
            _fields[index] = new(key, value);
        }
        else
        {
            _fields.Add(new(key, value));
        }

        return this;
    }

    /// <summary>Sets the timestamp.</summary>
    /// <param name="timestamp">When the point was observed.</param>
    public InfluxPoint At(DateTimeOffset timestamp)
    {
        TimestampNanoseconds = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        return this;
    }

    /// <summary>Sets the timestamp in nanoseconds since the Unix epoch.</summary>
    /// <param name="nanoseconds">Nanoseconds since 1970-01-01T00:00:00Z.</param>
    public InfluxPoint AtNanoseconds(long nanoseconds)
    {
        TimestampNanoseconds = nanoseconds;
        return this;
    }

    /// <summary>The point as one line of line protocol (nanosecond timestamps), without the trailing newline.</summary>
    public override string ToString() => Internal.LineProtocol.ToLine(this);

    private static void CheckName(string value, string parameter, string what)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Length == 0)
        {
            throw new ArgumentException($"The InfluxDB {what} must not be empty.", parameter);
        }

        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            throw new ArgumentException($"The InfluxDB {what} '{value.ReplaceLineEndings(" ")}' contains a line break, which line protocol cannot carry.", parameter);
        }
    }
}
