using System.Globalization;
using NgsiFlow.Engine.Records;

namespace NgsiFlow.Sinks.Parquet;

/// <summary>Settings of a <see cref="ParquetSink{T}"/>; validated when the sink is created.</summary>
/// <typeparam name="T">The stream's event type.</typeparam>
/// <remarks>
/// Records are made durable in a write-ahead log before <c>WriteAsync</c> completes, and become Parquet files when a
/// file is rolled: after <see cref="RollInterval"/>, once a partition buffers <see cref="RollSize"/> bytes, and at
/// flush and stop. A file is written under a hidden temporary name and renamed when complete, so readers never see a
/// half-written one; after a crash the log's records are written out when the sink starts again.
/// </remarks>
public sealed class ParquetSinkOptions<T> : SinkOptions
{
    /// <summary>The directory the files go to (created when missing). Required.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>Turns an event into a record; required unless <typeparamref name="T"/> is <see cref="Record"/>.</summary>
    public Func<T, Record>? ToRecord { get; set; }

    /// <summary>Fields whose values name hive-style directories (<c>route=sensors/</c>), in order; they are not repeated inside the files.</summary>
    public IReadOnlyList<string> PartitionBy { get; set; } = [];

    /// <summary>Adds a <c>date=yyyy-MM-dd</c> directory after <see cref="PartitionBy"/>, from <see cref="DateField"/> (UTC) or the write time.</summary>
    public bool PartitionByDate { get; set; }

    /// <summary>The timestamp field that dates a record for <see cref="PartitionByDate"/>; the write time when null or absent.</summary>
    public string? DateField { get; set; }

    /// <summary>Rows per row group inside a file. Default 50,000.</summary>
    public int RowGroupSize { get; set; } = 50_000;

    /// <summary>A partition's file is rolled once its records take about this many bytes (as JSON). Default 64 MiB.</summary>
    public long RollSize { get; set; } = 64L * 1024 * 1024;

    /// <summary>Files are rolled at least this often (the delay before records are visible to readers). Default 1 minute.</summary>
    public TimeSpan RollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The compression of the files. Default Snappy.</summary>
    public global::Parquet.CompressionMethod Compression { get; set; } = global::Parquet.CompressionMethod.Snappy;

    /// <summary>The clock for file names, dates and rolls.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        base.Validate(errors);
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add("Directory must be set: where the Parquet files go.");
        }

        if (ToRecord is null && typeof(T) != typeof(Record))
        {
            errors.Add($"ToRecord must be set: how a {typeof(T).Name} becomes a record.");
        }

        if (PartitionBy is null || PartitionBy.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("PartitionBy must list field names (none blank).");
        }

        if (RowGroupSize < 1)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RowGroupSize must be at least 1 (was {RowGroupSize})."));
        }

        if (RollSize < 1024)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RollSize must be at least 1024 bytes (was {RollSize})."));
        }

        if (RollInterval < TimeSpan.Zero || RollInterval > TimeSpan.FromDays(1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RollInterval must be between zero and one day (was {RollInterval})."));
        }
    }
}
