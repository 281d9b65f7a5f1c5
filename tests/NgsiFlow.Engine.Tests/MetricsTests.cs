using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class MetricsTests
{
    [Fact]
    public async Task Meter_reports_events_per_stage_with_job_and_stage_tags()
    {
        var measured = new ConcurrentDictionary<(string Instrument, string Stage), long>();
        var durations = new ConcurrentBag<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? job = null, stage = null, outcome = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "job": job = tag.Value as string; break;
                    case "stage": stage = tag.Value as string; break;
                    case "outcome": outcome = tag.Value as string; break;
                }
            }

            if (job == "metrics-job")
            {
                measured[(instrument.Name + (outcome is null ? "" : "/" + outcome), stage!)] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == EngineMetrics.BatchDuration)
            {
                durations.Add(value);
            }
        });
        listener.Start();

        var job = new StreamJob("metrics-job");
        var input = job.Input<int>();
        input.Where(i => i % 2 == 0, name: "evens").Select(i => i == 4 ? throw new ArgumentException("4") : i, name: "check", onError: ErrorPolicy.Skip)
            .ForEachAsync((_, _) => default, name: "out");
        job.Start();
        await input.WriteAllAsync(Enumerable.Range(0, 10));
        await job.WhenIdleAsync(TestJobs.Token());
        listener.RecordObservableInstruments();
        await job.RunToEndAsync();

        measured[(EngineMetrics.EventsIn, "evens")].ShouldBe(10);
        measured[(EngineMetrics.EventsOut, "evens")].ShouldBe(5);
        measured[(EngineMetrics.EventsIn, "out")].ShouldBe(4);
        measured[(EngineMetrics.Errors + "/skipped", "check")].ShouldBe(1);
        measured.ShouldContainKey((EngineMetrics.QueueDepth, "out"));
        durations.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Meter_reports_late_events_and_watermark_lag_on_the_job_clock()
    {
        var longs = new ConcurrentDictionary<string, long>();
        var doubles = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == key)
                {
                    return tag.Value as string;
                }
            }

            return null;
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "job") == "late-job")
            {
                longs[$"{instrument.Name}/{Tag(tags, "stage")}/{Tag(tags, "outcome")}"] = value;
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (Tag(tags, "job") == "late-job")
            {
                doubles[$"{instrument.Name}/{Tag(tags, "stage")}"] = value;
            }
        });
        listener.Start();

        var job = new StreamJob("late-job", TestJobs.Manual(out var clock));
        var input = job.Input<Ev>();
        input.WithEventTime(e => e.Time, name: "time").KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), name: "w").Count().ForEachAsync((_, _) => default);
        job.Start();
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 15), new Ev("a", 2));
        clock.Advance(TimeSpan.FromSeconds(60));
        listener.RecordObservableInstruments();
        await job.RunToEndAsync();

        longs[$"{EngineMetrics.LateEvents}/w/dropped"].ShouldBe(1);
        // The clock is at Ev.Base + 60 s plus at most a tick; the watermark is at 15 s.
        doubles[$"{EngineMetrics.WatermarkLag}/time"].ShouldBeInRange(45.0, 46.0);
    }
}
