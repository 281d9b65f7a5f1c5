using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class WindowTests
{
    private static (StreamJob Job, StreamInput<Ev> Input, Collector<WindowResult<string, long>> Results) CountJob(
        WindowSpec spec, LatenessPolicy? lateness = null, TimeSpan? disorder = null, Collector<Ev>? late = null)
    {
        var job = new StreamJob("w", TestJobs.Manual(out _));
        var input = job.Input<Ev>();
        var results = new Collector<WindowResult<string, long>>();
        var windowed = input.WithEventTime(e => e.Time, WatermarkPolicy.BoundedOutOfOrderness(disorder ?? TimeSpan.Zero))
            .KeyBy(e => e.Key)
            .Window(spec, lateness);
        windowed.Count().ForEachAsync(results.Add);
        if (late is not null)
        {
            windowed.LateEvents.ForEachAsync(late.Add);
        }

        job.Start();
        return (job, input, results);
    }

    private static IEnumerable<(string Key, double Start, double End, long Count, bool Update)> Rows(Collector<WindowResult<string, long>> results) =>
        results.Items.Select(r => (r.Key, Ev.SecondsOf(r.Start), Ev.SecondsOf(r.End), r.Value, r.IsUpdate));

    [Fact]
    public async Task Tumbling_event_on_boundary_belongs_to_next_window()
    {
        var (job, input, results) = CountJob(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)));
        await job.WriteSettledAsync(input, new Ev("a", 0), new Ev("a", 9.999), new Ev("a", 10), new Ev("b", 19.5), new Ev("a", 25));
        await job.RunToEndAsync();

        Rows(results).OrderBy(r => r.Start).ThenBy(r => r.Key).ShouldBe(
        [
            ("a", 0.0, 10.0, 2L, false),
            ("a", 10.0, 20.0, 1L, false),
            ("b", 10.0, 20.0, 1L, false),
            ("a", 20.0, 30.0, 1L, false),
        ]);
    }

    [Fact]
    public async Task Tumbling_window_is_emitted_when_watermark_passes_its_end_not_before()
    {
        var (job, input, results) = CountJob(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)));
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 9));
        results.Count.ShouldBe(0);
        await job.WriteSettledAsync(input, new Ev("a", 10));
        Rows(results).ShouldBe([("a", 0.0, 10.0, 2L, false)]);
        job.GetStatistics("eventtime-1").Watermark.ShouldBe(Ev.Base.AddSeconds(10));
        await job.RunToEndAsync();
        results.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Sliding_event_counts_in_every_overlapping_window()
    {
        var (job, input, results) = CountJob(WindowSpec.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)));
        await job.WriteSettledAsync(input, new Ev("a", 7), new Ev("a", 12));
        await job.RunToEndAsync();

        Rows(results).OrderBy(r => r.Start).ShouldBe(
        [
            ("a", 0.0, 10.0, 1L, false),
            ("a", 5.0, 15.0, 2L, false),
            ("a", 10.0, 20.0, 1L, false),
        ]);
    }

    [Fact]
    public async Task Session_events_within_gap_merge_and_gap_splits()
    {
        var (job, input, results) = CountJob(WindowSpec.Session(TimeSpan.FromSeconds(5)), disorder: TimeSpan.FromSeconds(30));
        // 0 and 4 join; 12 starts a new session (12 >= 4 + 5); 8 then bridges [0, 9) and [12, 17) into one.
        await job.WriteSettledAsync(input, new Ev("a", 0), new Ev("a", 4), new Ev("a", 12), new Ev("b", 3));
        await job.WriteSettledAsync(input, new Ev("a", 8));
        await job.WriteSettledAsync(input, new Ev("a", 30));
        await job.RunToEndAsync();

        Rows(results).OrderBy(r => r.Key).ThenBy(r => r.Start).ShouldBe(
        [
            ("a", 0.0, 17.0, 4L, false),
            ("a", 30.0, 35.0, 1L, false),
            ("b", 3.0, 8.0, 1L, false),
        ]);
    }

    [Fact]
    public async Task Session_event_exactly_a_gap_after_the_last_starts_a_new_session()
    {
        var (job, input, results) = CountJob(WindowSpec.Session(TimeSpan.FromSeconds(5)));
        await job.WriteSettledAsync(input, new Ev("a", 0), new Ev("a", 5));
        await job.RunToEndAsync();

        Rows(results).ShouldBe([("a", 0.0, 5.0, 1L, false), ("a", 5.0, 10.0, 1L, false)]);
    }

    [Fact]
    public async Task OutOfOrder_within_disorder_bound_is_not_late()
    {
        var (job, input, results) = CountJob(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), disorder: TimeSpan.FromSeconds(5));
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 14), new Ev("a", 6), new Ev("a", 16));
        await job.RunToEndAsync();

        Rows(results).ShouldBe([("a", 0.0, 10.0, 2L, false), ("a", 10.0, 20.0, 2L, false)]);
        job.GetStatistics("window-1").LateDropped.ShouldBe(0);
    }

    [Fact]
    public async Task Late_event_with_drop_policy_is_dropped_and_counted()
    {
        var (job, input, results) = CountJob(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), LatenessPolicy.Drop);
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 12), new Ev("a", 3));
        await job.RunToEndAsync();

        Rows(results).ShouldBe([("a", 0.0, 10.0, 1L, false), ("a", 10.0, 20.0, 1L, false)]);
        job.GetStatistics("window-1").LateDropped.ShouldBe(1);
    }

    [Fact]
    public async Task Late_event_with_side_output_policy_goes_to_late_events()
    {
        var late = new Collector<Ev>();
        var (job, input, results) = CountJob(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)), LatenessPolicy.SideOutput, late: late);
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 12), new Ev("a", 3, Value: 42));
        await job.RunToEndAsync();

        late.Items.ShouldBe([new Ev("a", 3, Value: 42)]);
        Rows(results).ShouldBe([("a", 0.0, 10.0, 1L, false), ("a", 10.0, 20.0, 1L, false)]);
        job.GetStatistics("window-1").LateSideOutput.ShouldBe(1);
    }

    [Fact]
    public async Task Late_event_with_reemit_policy_updates_window_within_allowed_lateness()
    {
        var late = new Collector<Ev>();
        var (job, input, results) = CountJob(
            WindowSpec.Tumbling(TimeSpan.FromSeconds(10)),
            LatenessPolicy.ReemitUpdated(TimeSpan.FromSeconds(5), LatenessAction.SideOutput),
            late: late);
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 12));
        await job.WriteSettledAsync(input, new Ev("a", 3));
        Rows(results).ShouldBe([("a", 0.0, 10.0, 1L, false), ("a", 0.0, 10.0, 2L, true)]);

        // Watermark 16 passes 10 + 5: the window is gone, later events go to the side output.
        await job.WriteSettledAsync(input, new Ev("a", 16), new Ev("a", 4, Value: 7));
        await job.RunToEndAsync();

        late.Items.ShouldBe([new Ev("a", 4, Value: 7)]);
        Rows(results).Last().ShouldBe(("a", 10.0, 20.0, 2L, false));
        var stats = job.GetStatistics("window-1");
        stats.LateReemitted.ShouldBe(1);
        stats.LateSideOutput.ShouldBe(1);
    }

    [Fact]
    public async Task Sliding_event_late_for_its_older_window_only_updates_that_window()
    {
        var (job, input, results) = CountJob(
            WindowSpec.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)), LatenessPolicy.ReemitUpdated(TimeSpan.FromSeconds(20)));
        await job.WriteSettledAsync(input, new Ev("a", 7), new Ev("a", 12), new Ev("a", 8));
        await job.RunToEndAsync();

        Rows(results).ShouldBe(
        [
            ("a", 0.0, 10.0, 1L, false),
            ("a", 0.0, 10.0, 2L, true),
            ("a", 5.0, 15.0, 3L, false),
            ("a", 10.0, 20.0, 1L, false),
        ]);
    }

    [Fact]
    public async Task Late_session_event_with_reemit_policy_updates_the_session()
    {
        var (job, input, results) = CountJob(WindowSpec.Session(TimeSpan.FromSeconds(5)), LatenessPolicy.ReemitUpdated(TimeSpan.FromSeconds(15)));
        // The session [0, 7) is emitted at watermark 20 and kept until 7 + 15.
        await job.WriteSettledAsync(input, new Ev("a", 0), new Ev("a", 2), new Ev("a", 20), new Ev("a", 1));
        await job.RunToEndAsync();

        Rows(results).ShouldBe([("a", 0.0, 7.0, 2L, false), ("a", 0.0, 7.0, 3L, true), ("a", 20.0, 25.0, 1L, false)]);
    }

    [Fact]
    public async Task Idle_timeout_advances_watermark_with_processing_time()
    {
        var job = new StreamJob("w", TestJobs.Manual(out var clock));
        var input = job.Input<Ev>();
        var results = new Collector<WindowResult<string, long>>();
        input.WithEventTime(e => e.Time, WatermarkPolicy.BoundedOutOfOrderness(TimeSpan.Zero, idleTimeout: TimeSpan.FromSeconds(1)))
            .KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10))).Count().ForEachAsync(results.Add);
        job.Start();
        // The clock starts at Ev.Base; an event at 1 s opens [0, 10).
        await job.WriteSettledAsync(input, new Ev("a", 1));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await job.WhenIdleAsync(TestJobs.Token());
        results.Count.ShouldBe(0);
        clock.Advance(TimeSpan.FromSeconds(11));
        await job.WhenIdleAsync(TestJobs.Token());
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await job.WhenIdleAsync(TestJobs.Token());

        Rows(results).ShouldBe([("a", 0.0, 10.0, 1L, false)]);
        await job.RunToEndAsync();
    }

    [Fact]
    public async Task ProcessingTime_window_closes_on_clock_ticks()
    {
        var job = new StreamJob("w", TestJobs.Manual(out var clock));
        var input = job.Input<Ev>();
        var results = new Collector<WindowResult<string, long>>();
        input.KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(5))).Count().ForEachAsync(results.Add);
        job.Start();
        await job.WriteSettledAsync(input, new Ev("a", 0), new Ev("a", 0), new Ev("b", 0));
        results.Count.ShouldBe(0);
        clock.Advance(TimeSpan.FromSeconds(5));
        await job.WhenIdleAsync(TestJobs.Token());

        Rows(results).OrderBy(r => r.Key).ShouldBe([("a", 0.0, 5.0, 2L, false), ("b", 0.0, 5.0, 1L, false)]);
        await job.WriteSettledAsync(input, new Ev("a", 0));
        await job.RunToEndAsync();
        Rows(results).Last().ShouldBe(("a", 5.0, 10.0, 1L, false));
    }

    [Fact]
    public async Task Stop_without_flush_discards_open_windows()
    {
        var options = TestJobs.Manual(out _);
        options.FlushOpenWindowsOnStop = false;
        var job = new StreamJob("w", options);
        var input = job.Input<Ev>();
        var results = new Collector<WindowResult<string, long>>();
        input.WithEventTime(e => e.Time).KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10))).Count().ForEachAsync(results.Add);
        job.Start();
        await job.WriteSettledAsync(input, new Ev("a", 1), new Ev("a", 11));
        await job.RunToEndAsync();

        Rows(results).ShouldBe([("a", 0.0, 10.0, 1L, false)]);
    }

    [Fact]
    public void Window_in_event_time_without_event_time_is_refused()
    {
        var job = new StreamJob("w");
        var keyed = job.Input<Ev>().KeyBy(e => e.Key);
        var error = Should.Throw<InvalidOperationException>(() => keyed.Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(1)), domain: TimeDomain.EventTime));
        error.Message.ShouldContain("WithEventTime");
    }
}
