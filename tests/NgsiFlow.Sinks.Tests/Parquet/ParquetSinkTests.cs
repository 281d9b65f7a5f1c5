using NgsiFlow.Engine.Records;
using NgsiFlow.Sinks.Parquet;
using Record = NgsiFlow.Engine.Records.Record;

namespace NgsiFlow.Sinks.Tests.Parquet;

/// <summary>The Parquet sink: values and types as an independent reader sees them, partitions, rolling, the log, failures.</summary>
public sealed class ParquetSinkTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ngsiflow-parquet-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Flush_recordsOfEveryKind_areReadBackByParquetSharpWithTheirValuesAndTypes()
    {
        var records = new[]
        {
            new Record { ["host"] = "rpi-1", ["n"] = 3L, ["x"] = 1.5, ["ok"] = true, ["seen"] = Noon, ["none"] = null, ["env"] = new Record { ["h"] = 40L }, ["mixed"] = 1L },
            new Record { ["host"] = "rpi-2 ü", ["n"] = null, ["x"] = 2L, ["ok"] = false, ["seen"] = Noon.AddMilliseconds(1.5), ["none"] = null, ["env"] = null, ["mixed"] = "text", ["late"] = "only here" },
        };
        await using (var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory }))
        {
            await sink.WriteAsync(records, CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        var file = ParquetReadBack.Files(_directory).ShouldHaveSingleItem();
        var (rows, types) = ParquetReadBack.Read(Path.Combine(_directory, file));
        types.Keys.ShouldBe(["host", "n", "x", "ok", "seen", "none", "env", "mixed", "late"]);
        types["host"].ShouldBe("String");
        types["n"].ShouldBe("Int64");
        types["x"].ShouldBe("Double");
        types["ok"].ShouldBe("Boolean");
        types["seen"].ShouldBe("Timestamp(Micros, utc=True)");
        rows[0]["host"].ShouldBe("rpi-1");
        rows[1]["host"].ShouldBe("rpi-2 ü");
        rows[0]["n"].ShouldBe(3L);
        rows[1]["n"].ShouldBeNull();
        rows[0]["x"].ShouldBe(1.5);
        rows[1]["x"].ShouldBe(2.0);
        rows[1]["ok"].ShouldBe(false);
        rows[0]["seen"].ShouldBe(Noon);
        rows[1]["seen"].ShouldBe(Noon.AddTicks(15_000), "microseconds are kept");
        rows[0]["none"].ShouldBeNull();
        rows[0]["env"].ShouldBe("""{"h":40}""");
        rows[0]["mixed"].ShouldBe("1");
        rows[1]["mixed"].ShouldBe("text");
        rows[0]["late"].ShouldBeNull();
        rows[1]["late"].ShouldBe("only here");
    }

    [Fact]
    public async Task Write_partitioned_goesToHiveDirectories_withoutThePartitionColumnInTheFile()
    {
        await using (var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory, PartitionBy = ["route"], PartitionByDate = true, DateField = "seen" }))
        {
            await sink.WriteAsync(new[]
            {
                new Record { ["route"] = "sensors", ["seen"] = Noon, ["v"] = 1L },
                new Record { ["route"] = "alerts", ["seen"] = Noon.AddDays(1), ["v"] = 2L },
                new Record { ["route"] = "a/b", ["seen"] = Noon, ["v"] = 3L },
                new Record { ["route"] = "sensors", ["seen"] = Noon, ["v"] = 4L },
            }, CancellationToken.None);
        }

        var files = ParquetReadBack.Files(_directory);
        files.Select(f => Path.GetDirectoryName(f)).ShouldBe(["route=a%2Fb/date=2026-12-04", "route=alerts/date=2026-12-05", "route=sensors/date=2026-12-04"]);
        var (rows, types) = ParquetReadBack.Read(Path.Combine(_directory, files[2]));
        types.Keys.ShouldBe(["seen", "v"]);
        rows.Select(r => r["v"]).ShouldBe([1L, 4L]);
    }

    [Fact]
    public async Task Write_completesBeforeTheFileIsVisible_andTheRollIntervalMakesItVisible()
    {
        await using var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory, RollInterval = TimeSpan.FromMilliseconds(300) });

        await sink.WriteAsync(new[] { new Record { ["v"] = 1L } }, CancellationToken.None);

        ParquetReadBack.Files(_directory).ShouldBeEmpty();
        await Until(() => ParquetReadBack.Files(_directory).Length == 1, "the roll interval to commit the file");
        Directory.EnumerateFiles(_directory, "*.tmp", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task Write_thenTheProcessDies_aNewSinkOnTheDirectoryWritesTheLoggedRecordsOnce()
    {
        var first = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory, RollInterval = TimeSpan.FromHours(1) });
        await first.WriteAsync(Enumerable.Range(0, 100).Select(i => new Record { ["i"] = (long)i, ["t"] = Noon.AddSeconds(i) }).ToArray(), CancellationToken.None);
        await first.WriteAsync(Enumerable.Range(100, 50).Select(i => new Record { ["i"] = (long)i, ["t"] = Noon.AddSeconds(i) }).ToArray(), CancellationToken.None);

        // No flush, no dispose: what a killed process leaves is the log.
        ParquetReadBack.Files(_directory).ShouldBeEmpty();
        await using (var second = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory }))
        {
            await second.WriteAsync(new[] { new Record { ["i"] = 150L, ["t"] = Noon } }, CancellationToken.None);
        }

        var rows = ParquetReadBack.Files(_directory).SelectMany(f => ParquetReadBack.Read(Path.Combine(_directory, f)).Rows).ToList();
        rows.Select(r => (long)r["i"]!).Order().ShouldBe(Enumerable.Range(0, 151).Select(i => (long)i));
        rows.First(r => (long)r["i"]! == 7)["t"].ShouldBe(Noon.AddSeconds(7), "times come back from the log as times");
        Directory.EnumerateFiles(Path.Combine(_directory, ".wal")).ShouldBeEmpty();

        // The first sink stands for a dead process: it is never used (or disposed) again.
        GC.KeepAlive(first);
    }

    [Fact]
    public async Task Roll_whileAReaderKeepsOpeningEveryFile_neverShowsAHalfWrittenFile()
    {
        const int Batches = 200;
        using var stop = new CancellationTokenSource();
        var opened = 0;
        var passes = 0;
        Directory.CreateDirectory(_directory);
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var file in ParquetReadBack.Files(_directory))
                {
                    ParquetReadBack.Read(Path.Combine(_directory, file)).Rows.Count.ShouldBe(50);
                    opened++;
                }

                Interlocked.Increment(ref passes);
                await Task.Yield();
            }
        });

        await using (var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = _directory, RollInterval = TimeSpan.Zero, RowGroupSize = 20 }))
        {
            for (var b = 0; b < Batches; b++)
            {
                // Every few batches the writer lets the reader finish a pass, so the two really overlap on a busy machine.
                if (b % 10 == 0)
                {
                    var before = Volatile.Read(ref passes);
                    var deadline = DateTime.UtcNow.AddSeconds(30);
                    while (Volatile.Read(ref passes) <= before + 1 && !reader.IsCompleted && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(1);
                    }
                }

                await sink.WriteAsync(Enumerable.Range(b * 50, 50).Select(i => new Record { ["i"] = (long)i, ["text"] = new string('x', i % 200) }).ToArray(), CancellationToken.None);
            }
        }

        await stop.CancelAsync();
        await reader;
        opened.ShouldBeGreaterThan(Batches);
        var all = ParquetReadBack.Files(_directory).SelectMany(f => ParquetReadBack.Read(Path.Combine(_directory, f)).Rows).Select(r => (long)r["i"]!).Order().ToList();
        all.ShouldBe(Enumerable.Range(0, Batches * 50).Select(i => (long)i));
    }

    [Fact]
    public async Task Write_directoryUnderAFile_throwsAPermanentSinkWriteExceptionNamingIt()
    {
        Directory.CreateDirectory(_directory);
        var file = Path.Combine(_directory, "plain-file");
        await File.WriteAllTextAsync(file, "x");
        await using var sink = new ParquetSink<Record>(new ParquetSinkOptions<Record> { Directory = Path.Combine(file, "data"), Name = "edge" });

        var error = await Should.ThrowAsync<SinkWriteException>(() => sink.WriteAsync(new[] { new Record { ["v"] = 1L } }, CancellationToken.None).AsTask());

        error.IsTransient.ShouldBeFalse();
        error.SinkType.ShouldBe("Parquet");
        error.Target.ShouldBe(Path.Combine(file, "data"));
        error.Message.ShouldContain("edge");
    }

    [Fact]
    public void Options_invalidValues_areListedInOneException()
    {
        var error = Should.Throw<ArgumentException>(() => new ParquetSink<int>(new ParquetSinkOptions<int> { RowGroupSize = 0 }));

        error.Message.ShouldContain("Directory must be set");
        error.Message.ShouldContain("ToRecord must be set: how a Int32 becomes a record");
        error.Message.ShouldContain("RowGroupSize must be at least 1 (was 0)");
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("waited 30 s for " + what);
            }

            await Task.Delay(20);
        }
    }
}
