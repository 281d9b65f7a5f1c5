using System.Globalization;
using NgsiFlow.Engine.Records;
using Parquet;
using Parquet.Schema;

namespace NgsiFlow.Sinks.Parquet.Internal;

/// <summary>
/// Writes records as one Parquet file: the schema from the records (every column nullable; integers and numbers
/// widen to numbers, other mixes and nested values to text), row groups of a given size, a hidden temporary name
/// flushed to disk and renamed when complete.
/// </summary>
internal static class ParquetFile
{
    public static IReadOnlyList<(string Name, ColumnKind Kind)> Schema(IReadOnlyList<Record> records, IReadOnlySet<string> exclude)
    {
        var order = new List<string>();
        var kinds = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            foreach (var (name, value) in record)
            {
                if (exclude.Contains(name))
                {
                    continue;
                }

                if (!kinds.TryGetValue(name, out var kind))
                {
                    order.Add(name);
                    kind = ColumnKind.None;
                }

                kinds[name] = Widen(kind, KindOf(value));
            }
        }

        return [.. order.Select(n => (n, kinds[n] == ColumnKind.None ? ColumnKind.Text : kinds[n]))];
    }

    /// <summary>Writes <paramref name="records"/> to <paramref name="path"/> (through a hidden temporary file) and returns the file's size.</summary>
    public static async Task<long> WriteAsync(string path, IReadOnlyList<Record> records, IReadOnlySet<string> exclude, int rowGroupSize, CompressionMethod compression, CancellationToken cancellationToken)
    {
        var columns = Schema(records, exclude);
        var fields = columns.Select(c => Field(c.Name, c.Kind)).ToArray();
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = compression }, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    for (var start = 0; start < records.Count; start += rowGroupSize)
                    {
                        var count = Math.Min(rowGroupSize, records.Count - start);
                        using var group = writer.CreateRowGroup();
                        for (var c = 0; c < columns.Count; c++)
                        {
                            await WriteColumnAsync(group, fields[c], columns[c], records, start, count, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path);
            return new FileInfo(path).Length;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static DataField Field(string name, ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => new DataField<bool?>(name),
        ColumnKind.Integer => new DataField<long?>(name),
        ColumnKind.Number => new DataField<double?>(name),
        ColumnKind.Timestamp => new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        _ => new DataField<string>(name, true),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, (string Name, ColumnKind Kind) column, IReadOnlyList<Record> records, int start, int count, CancellationToken cancellationToken)
    {
        var name = column.Name;
        switch (column.Kind)
        {
            case ColumnKind.Boolean:
                await group.WriteAsync<bool>(field, Values(records, start, count, v => v as bool?), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Integer:
                await group.WriteAsync<long>(field, Values(records, start, count, v => v as long?), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Number:
                await group.WriteAsync<double>(field, Values(records, start, count, v => v switch { long l => l, double d => d, _ => (double?)null }), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Timestamp:
                await group.WriteAsync<DateTime>(field, Values(records, start, count, v => (v as DateTimeOffset?)?.UtcDateTime), cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
            default:
                var texts = new string?[count];
                for (var i = 0; i < count; i++)
                {
                    texts[i] = Text(records[start + i][name]);
                }

                await group.WriteAsync(field, texts!).ConfigureAwait(false);
                break;
        }

        ReadOnlyMemory<TValue?> Values<TValue>(IReadOnlyList<Record> all, int from, int n, Func<object?, TValue?> convert)
            where TValue : struct
        {
            var values = new TValue?[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = convert(all[from + i][name]);
            }

            return values;
        }
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        Record r => r.ToJson(),
        _ => new Record { ["v"] = value }.ToJson()[5..^1],
    };

    private static ColumnKind KindOf(object? value) => value switch
    {
        null => ColumnKind.None,
        bool => ColumnKind.Boolean,
        long => ColumnKind.Integer,
        double => ColumnKind.Number,
        DateTimeOffset => ColumnKind.Timestamp,
        _ => ColumnKind.Text,
    };

    private static ColumnKind Widen(ColumnKind a, ColumnKind b) => (a, b) switch
    {
        _ when a == b => a,
        (ColumnKind.None, _) => b,
        (_, ColumnKind.None) => a,
        (ColumnKind.Integer, ColumnKind.Number) or (ColumnKind.Number, ColumnKind.Integer) => ColumnKind.Number,
        _ => ColumnKind.Text,
    };
}
