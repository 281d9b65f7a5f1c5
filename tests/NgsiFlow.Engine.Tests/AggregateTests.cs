using NgsiFlow.Engine;

namespace NgsiFlow.Engine.Tests;

public class AggregateTests
{
    private static readonly double[] Values = [4, -1, 7.5, 4, 10, 2];

    private static TOut Run<TAcc, TOut>(Aggregate<double, TAcc, TOut> aggregate, IEnumerable<double> values)
    {
        var accumulator = aggregate.CreateAccumulator();
        foreach (var v in values)
        {
            aggregate.Add(ref accumulator, v);
        }

        return aggregate.GetResult(accumulator);
    }

    [Fact]
    public void Builtin_aggregates_compute_their_figures()
    {
        Run(Aggregates.Count<double>(), Values).ShouldBe(6);
        Run(Aggregates.Sum<double>(v => v), Values).ShouldBe(26.5);
        Run(Aggregates.Min<double>(v => v), Values).ShouldBe(-1);
        Run(Aggregates.Max<double>(v => v), Values).ShouldBe(10);
        Run(Aggregates.Min<double>(v => v), []).ShouldBeNull();
        Run(Aggregates.Average<double>(v => v), Values).ShouldBe(26.5 / 6, 1e-12);
        double.IsNaN(Run(Aggregates.Average<double>(v => v), [])).ShouldBeTrue();
        Run(Aggregates.DistinctCount<double, double>(v => v), Values).ShouldBe(5);
        var stats = Run(Aggregates.Statistics<double>(v => v), Values);
        var mean = Values.Average();
        stats.Variance.ShouldBe(Values.Sum(v => (v - mean) * (v - mean)) / (Values.Length - 1), 1e-9);
        stats.Min.ShouldBe(-1);
        stats.Max.ShouldBe(10);
    }

    [Fact]
    public void Histogram_puts_boundaries_in_the_upper_bucket()
    {
        // Buckets: < 0, [0, 5), [5, 10), >= 10.
        Run(Aggregates.Histogram<double>(v => v, 0, 5, 10), Values).ShouldBe([1L, 3, 1, 1]);
        Should.Throw<ArgumentException>(() => Aggregates.Histogram<double>(v => v, 1, 1)).Message.ShouldContain("boundaries[1]");
    }

    [Fact]
    public void Merge_combines_like_one_pass()
    {
        var aggregates = Aggregates.Statistics<double>(v => v);
        var left = aggregates.CreateAccumulator();
        var right = aggregates.CreateAccumulator();
        foreach (var v in Values.Take(2))
        {
            aggregates.Add(ref left, v);
        }

        foreach (var v in Values.Skip(2))
        {
            aggregates.Add(ref right, v);
        }

        var merged = aggregates.GetResult(aggregates.Merge(left, right));
        var whole = Run(aggregates, Values);
        merged.Count.ShouldBe(whole.Count);
        merged.Mean.ShouldBe(whole.Mean, 1e-12);
        merged.Variance.ShouldBe(whole.Variance, 1e-9);
    }

    [Fact]
    public async Task Window_with_user_defined_aggregate_and_builtins_emits_per_key()
    {
        var job = new StreamJob("agg");
        var input = job.Input<Ev>();
        var timed = input.WithEventTime(e => e.Time);
        var longest = new Collector<WindowResult<string, string>>();
        var sums = new Collector<WindowResult<string, double>>();
        var distinct = new Collector<WindowResult<string, long>>();
        timed.KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10)))
            .Aggregate(Aggregates.Create<Ev, string, string>(() => "", (acc, e) => acc + e.Value, (a, b) => a + b, acc => $"[{acc}]"))
            .ForEachAsync(longest.Add);
        timed.KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10))).Sum(e => e.Value).ForEachAsync(sums.Add);
        timed.KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(10))).DistinctCount(e => e.Value).ForEachAsync(distinct.Add);
        job.Start();
        await input.WriteAllAsync([new Ev("a", 1, 1), new Ev("b", 2, 5), new Ev("a", 3, 2), new Ev("a", 4, 2)]);
        await job.RunToEndAsync();

        longest.Items.OrderBy(r => r.Key).Select(r => (r.Key, r.Value)).ShouldBe([("a", "[122]"), ("b", "[5]")]);
        sums.Items.OrderBy(r => r.Key).Select(r => (r.Key, r.Value)).ShouldBe([("a", 5.0), ("b", 5.0)]);
        distinct.Items.OrderBy(r => r.Key).Select(r => (r.Key, r.Value)).ShouldBe([("a", 2L), ("b", 1L)]);
    }

    [Fact]
    public void Second_aggregate_on_one_windowed_stream_is_refused()
    {
        var job = new StreamJob("agg");
        var windowed = job.Input<Ev>().KeyBy(e => e.Key).Window(WindowSpec.Tumbling(TimeSpan.FromSeconds(1)));
        windowed.Count();
        Should.Throw<InvalidOperationException>(() => windowed.Count()).Message.ShouldContain("already has an aggregate");
    }
}
