using System.Globalization;

namespace NgsiFlow.Sinks.Files;

/// <summary>
/// One CSV row, handed to the mapper of a <see cref="CsvFileSource{T}"/>. The typed getters throw a
/// <see cref="FileSourceException"/> naming the file, line, column and field when a value does not convert.
/// </summary>
public sealed class CsvRecord
{
    private readonly IReadOnlyList<string> _fields;
    private readonly IReadOnlyList<int> _columns;
    private readonly IReadOnlyDictionary<string, int>? _ordinals;
    private readonly IReadOnlyList<string>? _header;
    private readonly string _source;

    internal CsvRecord(string source, string filePath, long line, IReadOnlyList<string> fields, IReadOnlyList<int> columns, IReadOnlyList<string>? header, IReadOnlyDictionary<string, int>? ordinals)
    {
        _source = source;
        FilePath = filePath;
        Line = line;
        _fields = fields;
        _columns = columns;
        _header = header;
        _ordinals = ordinals;
    }

    /// <summary>The file the row comes from.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line the row starts on (its position in the source).</summary>
    public long Line { get; }

    /// <summary>How many fields the row has.</summary>
    public int FieldCount => _fields.Count;

    /// <summary>The raw text of field <paramref name="index"/> (0-based).</summary>
    /// <param name="index">The field's 0-based index.</param>
    public string this[int index] => GetString(index);

    /// <summary>The raw text of the field under header <paramref name="name"/>.</summary>
    /// <param name="name">The column name from the header.</param>
    public string this[string name] => GetString(Ordinal(name));

    /// <summary>The 0-based index of the column named <paramref name="name"/> in the header.</summary>
    /// <param name="name">The column name.</param>
    public int Ordinal(string name)
    {
        if (_ordinals is null)
        {
            throw Error(1, $"columns cannot be read by name ('{name}') because the file has no header");
        }

        return _ordinals.TryGetValue(name, out var index) ? index : throw Error(1, $"there is no column '{name}' in the header ({string.Join(", ", _header!)})");
    }

    /// <summary>The raw text of field <paramref name="index"/>.</summary>
    /// <param name="index">The field's 0-based index.</param>
    public string GetString(int index)
    {
        if (index < 0 || index >= _fields.Count)
        {
            throw Error(_columns.Count > 0 ? _columns[^1] : 1, $"the row has {_fields.Count} field(s); field {index + 1} was asked for");
        }

        return _fields[index];
    }

    /// <summary>Field <paramref name="index"/> as a float (invariant culture).</summary>
    /// <param name="index">The field's 0-based index.</param>
    public double GetDouble(int index) => Convert(index, "a number", static s => (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v), v));

    /// <summary>The field under <paramref name="name"/> as a float.</summary>
    /// <param name="name">The column name.</param>
    public double GetDouble(string name) => GetDouble(Ordinal(name));

    /// <summary>Field <paramref name="index"/> as a 32-bit integer.</summary>
    /// <param name="index">The field's 0-based index.</param>
    public int GetInt32(int index) => Convert(index, "a 32-bit integer", static s => (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v));

    /// <summary>The field under <paramref name="name"/> as a 32-bit integer.</summary>
    /// <param name="name">The column name.</param>
    public int GetInt32(string name) => GetInt32(Ordinal(name));

    /// <summary>Field <paramref name="index"/> as a 64-bit integer.</summary>
    /// <param name="index">The field's 0-based index.</param>
    public long GetInt64(int index) => Convert(index, "a 64-bit integer", static s => (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v));

    /// <summary>The field under <paramref name="name"/> as a 64-bit integer.</summary>
    /// <param name="name">The column name.</param>
    public long GetInt64(string name) => GetInt64(Ordinal(name));

    /// <summary>Field <paramref name="index"/> as a boolean (<c>true</c>/<c>false</c>, any case).</summary>
    /// <param name="index">The field's 0-based index.</param>
    public bool GetBoolean(int index) => Convert(index, "true or false", static s => (bool.TryParse(s, out var v), v));

    /// <summary>The field under <paramref name="name"/> as a boolean.</summary>
    /// <param name="name">The column name.</param>
    public bool GetBoolean(string name) => GetBoolean(Ordinal(name));

    /// <summary>Field <paramref name="index"/> as an ISO 8601 date and time (UTC when no offset is given).</summary>
    /// <param name="index">The field's 0-based index.</param>
    public DateTimeOffset GetDateTimeOffset(int index) => Convert(index, "an ISO 8601 date and time",
        static s => (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v), v));

    /// <summary>The field under <paramref name="name"/> as a date and time.</summary>
    /// <param name="name">The column name.</param>
    public DateTimeOffset GetDateTimeOffset(string name) => GetDateTimeOffset(Ordinal(name));

    /// <summary>A <see cref="FileSourceException"/> pointing at field <paramref name="index"/>, for mappers' own checks.</summary>
    /// <param name="index">The field's 0-based index.</param>
    /// <param name="reason">What is wrong with it.</param>
    public FileSourceException ErrorAt(int index, string reason) =>
        Error(index >= 0 && index < _columns.Count ? _columns[index] : 1, $"{FieldName(index)}: {reason}");

    private T Convert<T>(int index, string expected, Func<string, (bool Ok, T Value)> parse)
    {
        var text = GetString(index);
        var (ok, value) = parse(text.Trim());
        return ok ? value : throw ErrorAt(index, $"'{text}' is not {expected}");
    }

    private string FieldName(int index) =>
        _header is not null && index < _header.Count ? $"field {index + 1} ('{_header[index]}')" : $"field {index + 1}";

    private FileSourceException Error(int column, string reason) => new(_source, FilePath, Line, column, reason);
}
