using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Parquet;
using Parquet;
using Parquet.Schema;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary><c>bench sinks --parquet DIR</c>: the Parquet sink next to a bare Parquet.Net writer, one file per batch each.</summary>
internal static partial class BenchSinksCommand
{
    private static async Task<BenchResult> BenchParquetAsync(string directory, TimeSpan duration, int batchSize, TextWriter output, CancellationToken cancellationToken)
    {
        var sinkDirectory = Path.Combine(directory, "ngsiflow-bench-sink");
        var referenceDirectory = Path.Combine(directory, "ngsiflow-bench-reference");
        foreach (var d in new[] { sinkDirectory, referenceDirectory })
        {
            if (Directory.Exists(d))
            {
                Directory.Delete(d, recursive: true);
            }

            Directory.CreateDirectory(d);
        }

        // The same rows on both sides: a device, a sequence, a reading and its time.
        var origin = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, batchSize).Select(i => new Record
        {
            ["host"] = "rpi-" + (i % 50).ToString("D3", System.Globalization.CultureInfo.InvariantCulture),
            ["seq"] = (long)i,
            ["cputemp"] = 40 + (i % 400 / 10.0),
            ["systemtime"] = origin.AddMilliseconds(i),
        }).ToArray();
        var hosts = records.Select(r => (string)r["host"]!).ToArray();
        var sequences = records.Select(r => (long?)r["seq"]).ToArray();
        var temperatures = records.Select(r => (double?)r["cputemp"]).ToArray();
        var times = records.Select(r => (DateTime?)((DateTimeOffset)r["systemtime"]!).UtcDateTime).ToArray();
        var fields = new DataField[]
        {
            new DataField<string>("host", true), new DataField<long?>("seq"), new DataField<double?>("cputemp"),
            new DateTimeDataField("systemtime", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        };
        var schema = new ParquetSchema(fields);

        await output.WriteLineAsync($"Parquet {directory}: sink (log, then a committed file per batch) and bare Parquet.Net (a file per batch), {duration.TotalSeconds:0.#} s each, interleaved...").ConfigureAwait(false);
        var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = sinkDirectory, Name = "bench-parquet", RollInterval = TimeSpan.FromHours(1) });
        var referenceFiles = 0;
        long sinkBatches, referenceBatches;
        double sinkSeconds, referenceSeconds;
        await using (sink)
        {
            (sinkBatches, sinkSeconds, referenceBatches, referenceSeconds) = await InterleaveAsync(
                duration,
                async _ =>
                {
                    await sink.WriteAsync(records, cancellationToken).ConfigureAwait(false);
                    await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
                },
                async _ =>
                {
                    var path = Path.Combine(referenceDirectory, $"part-{++referenceFiles:D6}.parquet");
                    await using (var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    {
                        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: cancellationToken).ConfigureAwait(false))
                        {
                            using var group = writer.CreateRowGroup();
                            await group.WriteAsync(fields[0], hosts).ConfigureAwait(false);
                            await group.WriteAsync<long>(fields[1], sequences, cancellationToken: cancellationToken).ConfigureAwait(false);
                            await group.WriteAsync<double>(fields[2], temperatures, cancellationToken: cancellationToken).ConfigureAwait(false);
                            await group.WriteAsync<DateTime>(fields[3], times, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }

                        stream.Flush(flushToDisk: true);
                    }
                }).ConfigureAwait(false);
        }

        Directory.Delete(sinkDirectory, recursive: true);
        Directory.Delete(referenceDirectory, recursive: true);
        return new BenchResult("parquet", "rows/s", batchSize, sinkBatches * batchSize, sinkSeconds, referenceBatches * batchSize, referenceSeconds, "Parquet.Net ParquetWriter of pre-built typed columns, a file per batch, flushed to disk");
    }
}
