using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace NgsiFlow.Cli.Pipelines;

/// <summary>The figures of a pipeline demo run: a table on the terminal and, with <c>--summary-json</c>, one JSON object.</summary>
/// <param name="scenario">The scenario's name.</param>
internal sealed class PipelineSummary(string scenario)
{
    private readonly List<(string Key, string Label, object? Value, string? Unit)> _rows = [];

    /// <summary>The scenario's name.</summary>
    public string Scenario { get; } = scenario;

    /// <summary>The figures, in order.</summary>
    public IReadOnlyList<(string Key, string Label, object? Value, string? Unit)> Rows => _rows;

    /// <summary>Adds a figure.</summary>
    /// <param name="key">Its JSON name.</param>
    /// <param name="label">Its label in the table.</param>
    /// <param name="value">A number, string, boolean or null.</param>
    /// <param name="unit">Its unit, if any.</param>
    /// <returns>This summary.</returns>
    public PipelineSummary Add(string key, string label, object? value, string? unit = null)
    {
        _rows.Add((key, label, value, unit));
        return this;
    }

    /// <summary>A figure by its JSON name.</summary>
    /// <param name="key">The name.</param>
    /// <returns>The value, or null.</returns>
    public object? this[string key] => _rows.FirstOrDefault(r => r.Key == key).Value;

    /// <summary>Prints the table.</summary>
    /// <param name="console">The terminal.</param>
    /// <param name="title">The table's title.</param>
    public void Show(IAnsiConsole console, string title)
    {
        ArgumentNullException.ThrowIfNull(console);
        var table = new Table().Title(Markup.Escape(title)).AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (_, label, value, unit) in _rows)
        {
            var text = value switch
            {
                null => "—",
                double d => d.ToString(Math.Abs(d) >= 100 ? "N0" : "0.###", CultureInfo.InvariantCulture),
                long l => l.ToString("N0", CultureInfo.InvariantCulture),
                int i => i.ToString("N0", CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
            };
            table.AddRow(Markup.Escape(label), Markup.Escape(unit is null ? text : text + " " + unit));
        }

        console.Write(table);
    }

    /// <summary>Writes the summary as one JSON object.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Aborts.</param>
    /// <returns>Completes when written.</returns>
    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllBytesAsync(path, ToJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The summary as indented UTF-8 JSON.</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("scenario", Scenario);
            foreach (var (key, _, value, _) in _rows)
            {
                switch (value)
                {
                    case double d when double.IsFinite(d):
                        json.WriteNumber(key, d);
                        break;
                    case double:
                    case null:
                        json.WriteNull(key);
                        break;
                    case long l:
                        json.WriteNumber(key, l);
                        break;
                    case int i:
                        json.WriteNumber(key, i);
                        break;
                    case bool b:
                        json.WriteBoolean(key, b);
                        break;
                    case long[] array:
                        json.WriteStartArray(key);
                        foreach (var item in array)
                        {
                            json.WriteNumberValue(item);
                        }

                        json.WriteEndArray();
                        break;
                    default:
                        json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
