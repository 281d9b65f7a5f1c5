using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using NgsiFlow.Engine;
using Spectre.Console;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench engine</c>: events per second through the streaming engine for (a) Select→Where, (b) KeyBy→tumbling
/// window count over 10,000 keys, (c) 5 s micro-batch aggregations like the detector pipeline (hits per chamber,
/// histogram of channels per orbit), each against a hand-written loop over a bounded <see cref="Channel{T}"/> doing
/// the same work in the same run.
/// </summary>
internal static class BenchEngineCommand
{
    private const int Keys = 10_000;
    private const int Chambers = 64;
    private const int Orbits = 256;
    private const int Capacity = 65_536;
    private static readonly double[] ChannelBuckets = [.. Enumerable.Range(1, 15).Select(i => i * 64.0)];

    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events per run for cases (a) and (b).", DefaultValueFactory = _ => 20_000_000 };
        var duration = new Option<double>("--batch-seconds") { Description = "Run length of case (c), in seconds (at least one 5 s batch closes).", DefaultValueFactory = _ => 6.0 };
        var interval = new Option<double>("--batch-interval") { Description = "Micro-batch interval of case (c), in seconds.", DefaultValueFactory = _ => 5.0 };
        var command = new Command("engine", "Streaming engine throughput against a hand-written Channel<T> loop: (a) Select→Where, (b) KeyBy→tumbling count over 10,000 keys, (c) 5 s micro-batch aggregations.");
        command.Options.Add(events);
        command.Options.Add(duration);
        command.Options.Add(interval);
        command.SetAction(async (parseResult, ct) =>
        {
            var n = parseResult.GetValue(events);
            var seconds = parseResult.GetValue(duration);
            var batch = TimeSpan.FromSeconds(parseResult.GetValue(interval));
            if (n < 100_000)
            {
                await Console.Error.WriteLineAsync("--events must be at least 100,000.").ConfigureAwait(false);
                return 2;
            }

            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync($"Warming up (JIT) on {Environment.ProcessorCount} cores...").ConfigureAwait(false);
            await SelectWhereEngine(1_000_000, ct).ConfigureAwait(false);
            await SelectWhereReference(1_000_000, ct).ConfigureAwait(false);
            await WindowEngine(1_000_000, ct).ConfigureAwait(false);
            await WindowReference(1_000_000, ct).ConfigureAwait(false);
            await DetectorEngine(TimeSpan.FromSeconds(0.5), TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            await DetectorReference(TimeSpan.FromSeconds(0.5), TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);

            var results = new List<CaseResult>
            {
                await Compare("a: select-where", () => SelectWhereEngine(n, ct), () => SelectWhereReference(n, ct)).ConfigureAwait(false),
                await Compare("b: keyby-tumbling-count-10k-keys", () => WindowEngine(n, ct), () => WindowReference(n, ct)).ConfigureAwait(false),
                await Compare("c: microbatch-5s-detector", () => DetectorEngine(TimeSpan.FromSeconds(seconds), batch, ct), () => DetectorReference(TimeSpan.FromSeconds(seconds), batch, ct)).ConfigureAwait(false),
            };

            var table = new Table().AddColumns("case", "events/s", "bytes/event (steady)", "reference events/s", "reference bytes/event (steady)", "ratio");
            foreach (var r in results)
            {
                table.AddRow(r.Name, F(r.Engine.EventsPerSecond), r.Engine.BytesPerEvent.ToString("F2", CultureInfo.InvariantCulture), F(r.Reference.EventsPerSecond), r.Reference.BytesPerEvent.ToString("F2", CultureInfo.InvariantCulture), r.Ratio.ToString("F2", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            var json = JsonSerializer.Serialize(new
            {
                bench = "engine",
                cores = Environment.ProcessorCount,
                cases = results.Select(r => new
                {
                    name = r.Name,
                    events = r.Engine.Events,
                    eventsPerSecond = Math.Round(r.Engine.EventsPerSecond),
                    bytesPerEvent = Math.Round(r.Engine.BytesPerEvent, 3),
                    referenceEventsPerSecond = Math.Round(r.Reference.EventsPerSecond),
                    referenceBytesPerEvent = Math.Round(r.Reference.BytesPerEvent, 3),
                    ratio = Math.Round(r.Ratio, 3),
                    check = r.Engine.Check == r.Reference.Check,
                }),
            });
            await output.WriteLineAsync(json).ConfigureAwait(false);
            return results.All(r => r.Engine.Check == r.Reference.Check) ? 0 : 1;
        });
        return command;
    }

    private static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static async Task<CaseResult> Compare(string name, Func<Task<Run>> engine, Func<Task<Run>> reference)
    {
        // Best of two for each, alternating, so that a noisy neighbour on the shared machine hurts both alike.
        var e1 = await engine().ConfigureAwait(false);
        var r1 = await reference().ConfigureAwait(false);
        var r2 = await reference().ConfigureAwait(false);
        var e2 = await engine().ConfigureAwait(false);
        var e = e1.EventsPerSecond >= e2.EventsPerSecond ? e1 : e2;
        var r = r1.EventsPerSecond >= r2.EventsPerSecond ? r1 : r2;
        return new CaseResult(name, e, r);
    }

    // Bytes per event in steady state: allocations from the mark (a fifth of the run, once pools and queues have
    // grown) to the end, over the events written meanwhile.
    private static Run Measure(long events, long check, Stopwatch watch, Mark mark) =>
        new(events, events / watch.Elapsed.TotalSeconds, (GC.GetTotalAllocatedBytes(precise: true) - mark.Allocated) / (double)Math.Max(1, events - mark.Events), check);

    // (a) Select → Where.
    private static async Task<Run> SelectWhereEngine(int n, CancellationToken ct)
    {
        var job = new StreamJob("bench-a");
        var input = job.Input<Reading>(Capacity);
        long kept = 0;
        double sum = 0;
        input.Select(r => new Reading(r.Key, (r.Value * 1.8) + 32, r.Time))
             .Where(r => r.Value > 50)
             .ForEachBatchAsync((batch, _) =>
             {
                 foreach (var r in batch.Span)
                 {
                     kept++;
                     sum += r.Value;
                 }

                 return default;
             });
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        job.Start();
        await Produce(new InputWriter<Reading>(input), n, mark, ct).ConfigureAwait(false);
        await job.StopAsync(ct).ConfigureAwait(false);
        watch.Stop();
        return Measure(n, kept, watch, mark);
    }

    private static async Task<Run> SelectWhereReference(int n, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<Reading>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        long kept = 0;
        double sum = 0;
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        var consumer = Task.Run(async () =>
        {
            var reader = channel.Reader;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (reader.TryRead(out var r))
                {
                    var value = (r.Value * 1.8) + 32;
                    if (value > 50)
                    {
                        kept++;
                        sum += value;
                    }
                }
            }
        }, ct);
        await Produce(new ChannelEventWriter<Reading>(channel.Writer), n, mark, ct).ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
        watch.Stop();
        return Measure(n, kept, watch, mark);
    }

    // (b) KeyBy → tumbling event-time window count over 10,000 keys.
    private static async Task<Run> WindowEngine(int n, CancellationToken ct)
    {
        var job = new StreamJob("bench-b");
        var input = job.Input<Reading>(Capacity);
        long total = 0;
        input.WithEventTime(r => new DateTimeOffset(r.Time, TimeSpan.Zero))
             .KeyBy(r => r.Key)
             .Window(WindowSpec.Tumbling(TimeSpan.FromMilliseconds(100)))
             .Count()
             .ForEachBatchAsync((batch, _) =>
             {
                 foreach (var w in batch.Span)
                 {
                     total += w.Value;
                 }

                 return default;
             });
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        job.Start();
        await Produce(new InputWriter<Reading>(input), n, mark, ct).ConfigureAwait(false);
        await job.StopAsync(ct).ConfigureAwait(false);
        watch.Stop();
        return Measure(n, total, watch, mark);
    }

    private static async Task<Run> WindowReference(int n, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<Reading>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        long total = 0;
        var size = TimeSpan.FromMilliseconds(100).Ticks;
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        var consumer = Task.Run(async () =>
        {
            var counts = new Dictionary<int, long>();
            var windowEnd = long.MinValue;
            var reader = channel.Reader;
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (reader.TryRead(out var r))
                {
                    if (r.Time >= windowEnd)
                    {
                        foreach (var (_, count) in counts)
                        {
                            total += count;
                        }

                        counts.Clear();
                        windowEnd = r.Time - (r.Time % size) + size;
                    }

                    System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, r.Key, out _)++;
                }
            }

            foreach (var (_, count) in counts)
            {
                total += count;
            }
        }, ct);
        await Produce(new ChannelEventWriter<Reading>(channel.Writer), n, mark, ct).ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
        watch.Stop();
        return Measure(n, total, watch, mark);
    }

    // (c) 5 s micro-batches: hits per chamber and a histogram of channels per orbit, in processing time.
    private static async Task<Run> DetectorEngine(TimeSpan duration, TimeSpan interval, CancellationToken ct)
    {
        var job = new StreamJob("bench-c");
        var input = job.Input<Hit>(Capacity);
        long hits = 0;
        long histogramTotal = 0;
        input.KeyBy(h => h.Chamber)
             .Window(WindowSpec.Tumbling(interval), domain: TimeDomain.ProcessingTime)
             .Count()
             .ForEachBatchAsync((batch, _) =>
             {
                 foreach (var w in batch.Span)
                 {
                     hits += w.Value;
                 }

                 return default;
             });
        input.KeyBy(h => h.Orbit)
             .Window(WindowSpec.Tumbling(interval), domain: TimeDomain.ProcessingTime)
             .Histogram(h => h.Channel, ChannelBuckets)
             .ForEachBatchAsync((batch, _) =>
             {
                 foreach (var w in batch.Span)
                 {
                     foreach (var c in w.Value)
                     {
                         histogramTotal += c;
                     }
                 }

                 return default;
             });
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        job.Start();
        var n = await ProduceHits(new InputWriter<Hit>(input), duration, mark, ct).ConfigureAwait(false);
        await job.StopAsync(ct).ConfigureAwait(false);
        watch.Stop();
        return Measure(n, hits + histogramTotal - (2 * n), watch, mark);
    }

    private static async Task<Run> DetectorReference(TimeSpan duration, TimeSpan interval, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<Hit>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
        long hits = 0;
        long histogramTotal = 0;
        var mark = new Mark();
        var watch = Stopwatch.StartNew();
        var consumer = Task.Run(async () =>
        {
            var perChamber = new Dictionary<int, long>();
            var perOrbit = new Dictionary<int, long[]>();
            var free = new Stack<long[]>();
            var reader = channel.Reader;
            var end = NextBoundary(DateTimeOffset.UtcNow.UtcTicks, interval.Ticks);
            void Flush()
            {
                foreach (var (_, count) in perChamber)
                {
                    hits += count;
                }

                foreach (var (_, histogram) in perOrbit)
                {
                    var copy = histogram.ToArray();
                    foreach (var c in copy)
                    {
                        histogramTotal += c;
                    }

                    Array.Clear(histogram);
                    free.Push(histogram);
                }

                perChamber.Clear();
                perOrbit.Clear();
            }

            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (reader.TryRead(out var h))
                {
                    System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perChamber, h.Chamber, out _)++;
                    ref var histogram = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perOrbit, h.Orbit, out var exists);
                    if (!exists)
                    {
                        histogram = free.Count > 0 ? free.Pop() : new long[ChannelBuckets.Length + 1];
                    }

                    var index = Array.BinarySearch(ChannelBuckets, (double)h.Channel);
                    histogram![index >= 0 ? index + 1 : ~index]++;
                }

                var now = DateTimeOffset.UtcNow.UtcTicks;
                if (now >= end)
                {
                    Flush();
                    end = NextBoundary(now, interval.Ticks);
                }
            }

            Flush();
        }, ct);
        var n = await ProduceHits(new ChannelEventWriter<Hit>(channel.Writer), duration, mark, ct).ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
        watch.Stop();
        return Measure(n, hits + histogramTotal - (2 * n), watch, mark);
    }

    private static long NextBoundary(long now, long interval) => now - (now % interval) + interval;

    // The engine and the reference are fed by the same loops; a struct writer keeps each call direct (the JIT
    // specialises the generic method per writer type), so neither side pays for the sharing.
    private static async Task Produce<TWriter>(TWriter writer, int n, Mark mark, CancellationToken ct)
        where TWriter : struct, IEventWriter<Reading>
    {
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        for (var i = 0; i < n; i++)
        {
            if (i == n / 5)
            {
                mark.Set(i);
            }

            var reading = new Reading(i % Keys, i % 100, time + (i * 10L));
            if (!writer.TryWrite(reading))
            {
                await writer.WriteAsync(reading, ct).ConfigureAwait(false);
            }
        }

        writer.Complete();
    }

    private static async Task<long> ProduceHits<TWriter>(TWriter writer, TimeSpan duration, Mark mark, CancellationToken ct)
        where TWriter : struct, IEventWriter<Hit>
    {
        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed < duration)
        {
            if (mark.Events == 0 && watch.Elapsed > duration / 5)
            {
                mark.Set(n);
            }

            for (var i = 0; i < 4096; i++, n++)
            {
                var hit = MakeHit(n);
                if (!writer.TryWrite(hit))
                {
                    await writer.WriteAsync(hit, ct).ConfigureAwait(false);
                }
            }
        }

        writer.Complete();
        return n;
    }

    private static Hit MakeHit(long n) => new((int)(n % Chambers), (int)((n * 7) % 1024), (int)((n / 1000) % Orbits));

    private interface IEventWriter<T>
    {
        bool TryWrite(T item);

        ValueTask WriteAsync(T item, CancellationToken cancellationToken);

        void Complete();
    }

    private readonly struct InputWriter<T>(StreamInput<T> input) : IEventWriter<T>
    {
        public bool TryWrite(T item) => input.TryWrite(item);

        public ValueTask WriteAsync(T item, CancellationToken cancellationToken) => input.WriteAsync(item, cancellationToken);

        public void Complete() => input.Complete();
    }

    private readonly struct ChannelEventWriter<T>(ChannelWriter<T> writer) : IEventWriter<T>
    {
        public bool TryWrite(T item) => writer.TryWrite(item);

        public ValueTask WriteAsync(T item, CancellationToken cancellationToken) => writer.WriteAsync(item, cancellationToken);

        public void Complete() => writer.Complete();
    }

    private sealed class Mark
    {
        public long Events { get; private set; }

        public long Allocated { get; private set; } = GC.GetTotalAllocatedBytes(precise: true);

        public void Set(long events)
        {
            Events = events;
            Allocated = GC.GetTotalAllocatedBytes(precise: true);
        }
    }

    private readonly record struct Reading(int Key, double Value, long Time);

    private readonly record struct Hit(int Chamber, int Channel, int Orbit);

    private sealed record Run(long Events, double EventsPerSecond, double BytesPerEvent, long Check);

    private sealed record CaseResult(string Name, Run Engine, Run Reference)
    {
        public double Ratio => Engine.EventsPerSecond / Reference.EventsPerSecond;
    }
}
