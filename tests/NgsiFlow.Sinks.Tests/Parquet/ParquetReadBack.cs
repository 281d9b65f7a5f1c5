using ParquetSharp;

namespace NgsiFlow.Sinks.Tests.Parquet;

/// <summary>Reads the sink's files back with ParquetSharp (Apache Arrow's C++ reader), not with the library that wrote them.</summary>
internal static class ParquetReadBack
{
    /// <summary>The committed files under <paramref name="directory"/>, by path relative to it.</summary>
    public static string[] Files(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal)];

    /// <summary>Every row of a file, as column name → value, with the column's physical and logical type.</summary>
    public static (List<Dictionary<string, object?>> Rows, Dictionary<string, string> Types) Read(string path)
    {
        using var file = new ParquetFileReader(path);
        var metadata = file.FileMetaData;
        var schema = metadata.Schema;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var c = 0; c < schema.NumColumns; c++)
        {
            var column = schema.Column(c);
            types[column.Name] = column.LogicalType switch
            {
                StringLogicalType => "String",
                TimestampLogicalType t => $"Timestamp({t.TimeUnit}, utc={t.IsAdjustedToUtc})",
                _ => column.PhysicalType.ToString(),
            };
        }

        var rows = new List<Dictionary<string, object?>>();
        for (var g = 0; g < metadata.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            var count = checked((int)group.MetaData.NumRows);
            var start = rows.Count;
            for (var i = 0; i < count; i++)
            {
                rows.Add(new Dictionary<string, object?>(StringComparer.Ordinal));
            }

            for (var c = 0; c < schema.NumColumns; c++)
            {
                var name = schema.Column(c).Name;
                using var reader = group.Column(c);
                var values = ReadColumn(reader, count);
                for (var i = 0; i < count; i++)
                {
                    rows[start + i][name] = values[i];
                }
            }
        }

        return (rows, types);
    }

    private static object?[] ReadColumn(ColumnReader reader, int count) => reader.ColumnDescriptor.PhysicalType switch
    {
        PhysicalType.Boolean => [.. reader.LogicalReader<bool?>().ReadAll(count).Cast<object?>()],
        PhysicalType.Int64 when reader.ColumnDescriptor.LogicalType is TimestampLogicalType => [.. reader.LogicalReader<DateTime?>().ReadAll(count).Select(d => d is { } t ? (object)new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null)],
        PhysicalType.Int64 => [.. reader.LogicalReader<long?>().ReadAll(count).Cast<object?>()],
        PhysicalType.Double => [.. reader.LogicalReader<double?>().ReadAll(count).Cast<object?>()],
        _ => [.. reader.LogicalReader<string?>().ReadAll(count).Cast<object?>()],
    };
}
