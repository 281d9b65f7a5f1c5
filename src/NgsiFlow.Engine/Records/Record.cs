using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace NgsiFlow.Engine.Records;

/// <summary>
/// A schemaless record, as devices send them: named fields in their arrival order, each holding <see langword="null"/>,
/// a <see cref="string"/>, a <see cref="bool"/>, a <see cref="long"/>, a <see cref="double"/>, a
/// <see cref="DateTimeOffset"/>, a nested <see cref="Record"/> or a list of those (<see cref="IReadOnlyList{T}"/> of object).
/// </summary>
/// <remarks>
/// Transforms (<see cref="RecordTransform"/>) reshape records; sinks such as Parquet write flat ones. Field names are
/// case-sensitive. Setting a value of another type (an <see cref="int"/>, a <see cref="DateTime"/>) stores its
/// canonical form; a type outside the list is refused with an exception naming the field.
/// </remarks>
public sealed class Record : IEnumerable<KeyValuePair<string, object?>>, IEquatable<Record>
{
    private readonly OrderedDictionary<string, object?> _fields;

    /// <summary>An empty record.</summary>
    public Record() => _fields = new OrderedDictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>A record of <paramref name="fields"/>, in their order.</summary>
    /// <param name="fields">Names and values; a repeated name keeps the last value.</param>
    public Record(IEnumerable<KeyValuePair<string, object?>> fields)
        : this()
    {
        ArgumentNullException.ThrowIfNull(fields);
        foreach (var (name, value) in fields)
        {
            this[name] = value;
        }
    }

    /// <summary>How many fields the record has.</summary>
    public int Count => _fields.Count;

    /// <summary>The field names, in order.</summary>
    public IEnumerable<string> Names => _fields.Keys;

    /// <summary>The value of field <paramref name="name"/>; <see langword="null"/> when absent. Setting adds or replaces it in place.</summary>
    /// <param name="name">The field's name.</param>
    public object? this[string name]
    {
        get => _fields.TryGetValue(name, out var value) ? value : null;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            _fields[name] = Normalize(value, name);
        }
    }

    /// <summary>The name and value at <paramref name="index"/>.</summary>
    /// <param name="index">The 0-based position.</param>
    public KeyValuePair<string, object?> GetAt(int index) => _fields.GetAt(index);

    /// <summary>Whether the record has field <paramref name="name"/> (possibly holding null).</summary>
    /// <param name="name">The field's name.</param>
    public bool Contains(string name) => _fields.ContainsKey(name);

    /// <summary>The value of field <paramref name="name"/>, when present.</summary>
    /// <param name="name">The field's name.</param>
    /// <param name="value">Its value.</param>
    public bool TryGetValue(string name, out object? value) => _fields.TryGetValue(name, out value);

    /// <summary>Removes field <paramref name="name"/>; whether it was there.</summary>
    /// <param name="name">The field's name.</param>
    public bool Remove(string name) => _fields.Remove(name);

    /// <summary>Inserts field <paramref name="name"/> at <paramref name="index"/>, replacing a field of that name elsewhere.</summary>
    /// <param name="index">The 0-based position.</param>
    /// <param name="name">The field's name.</param>
    /// <param name="value">Its value.</param>
    public void Insert(int index, string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var normalized = Normalize(value, name);
        var existing = _fields.IndexOf(name);
        if (existing >= 0)
        {
            _fields.RemoveAt(existing);
            if (existing < index)
            {
                index--;
            }
        }

        _fields.Insert(Math.Clamp(index, 0, _fields.Count), name, normalized);
    }

    /// <summary>The 0-based position of field <paramref name="name"/>, or -1.</summary>
    /// <param name="name">The field's name.</param>
    public int IndexOf(string name) => _fields.IndexOf(name);

    /// <summary>A deep copy (nested records and lists copied too).</summary>
    public Record Clone()
    {
        var copy = new Record();
        foreach (var (name, value) in _fields)
        {
            copy._fields.Add(name, CloneValue(value));
        }

        return copy;
    }

    /// <summary>Reads a JSON object: nested objects become records, arrays lists, integers <see cref="long"/> (others <see cref="double"/>).</summary>
    /// <param name="json">A JSON object.</param>
    /// <exception cref="ArgumentException">The element is not an object.</exception>
    public static Record FromJson(JsonElement json)
    {
        if (json.ValueKind is not JsonValueKind.Object)
        {
            throw new ArgumentException($"a record is a JSON object, not {json.ValueKind.ToString().ToLowerInvariant()}", nameof(json));
        }

        var record = new Record();
        foreach (var property in json.EnumerateObject())
        {
            record._fields[property.Name] = FromJsonValue(property.Value);
        }

        return record;
    }

    /// <summary>Writes the record as a JSON object (times in ISO 8601).</summary>
    /// <param name="writer">Where to write.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        foreach (var (name, value) in _fields)
        {
            writer.WritePropertyName(name);
            WriteJsonValue(writer, value);
        }

        writer.WriteEndObject();
    }

    /// <summary>The record as compact JSON (escaping only what JSON requires: the text is not meant for HTML).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes one record value (as held in a record) as JSON.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="value">A record value.</param>
    public static void WriteJsonValue(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double d:
                writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(t);
                break;
            case Record r:
                r.WriteJson(writer);
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteJsonValue(writer, item);
                }

                writer.WriteEndArray();
                break;
        }
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(Record? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < Count; i++)
        {
            var (name, value) = _fields.GetAt(i);
            var (otherName, otherValue) = other._fields.GetAt(i);
            if (name != otherName || !ValueEquals(value, otherValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Record other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var name in _fields.Keys)
        {
            hash.Add(name, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The record as JSON, for logs and test failures.</summary>
    public override string ToString() => ToJson();

    /// <summary>Whether two record values are equal (lists and records compared element by element).</summary>
    /// <param name="a">A value.</param>
    /// <param name="b">Another.</param>
    public static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
        (Record x, Record y) => x.Equals(y),
        _ => Equals(a, b),
    };

    /// <summary>The canonical form of <paramref name="value"/> as a record holds it.</summary>
    /// <param name="value">Any supported value.</param>
    /// <param name="field">The field, for the error.</param>
    /// <exception cref="ArgumentException">The type cannot be held in a record.</exception>
    public static object? Normalize(object? value, string field) => value switch
    {
        null or string or bool or long or double or DateTimeOffset or Record => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        DateTime t => t.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(t, TimeSpan.Zero) : new DateTimeOffset(t.ToUniversalTime()),
        JsonElement e => FromJsonValue(e),
        IEnumerable<object?> items when value is not IEnumerable<KeyValuePair<string, object?>> => items.Select((v, i) => Normalize(v, $"{field}[{i}]")).ToArray(),
        _ => throw new ArgumentException($"field '{field}': a record cannot hold a {value.GetType().Name}; use text, a number, a boolean, a time, a record or a list", nameof(value)),
    };

    private static object? FromJsonValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Object => FromJson(value),
        JsonValueKind.Array => value.EnumerateArray().Select(FromJsonValue).ToArray(),
        _ => null,
    };

    private static object? CloneValue(object? value) => value switch
    {
        Record r => r.Clone(),
        IReadOnlyList<object?> list => list.Select(CloneValue).ToArray(),
        _ => value,
    };
}
