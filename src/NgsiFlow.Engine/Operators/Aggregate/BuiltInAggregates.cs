namespace NgsiFlow.Engine.Operators.Aggregate;

internal sealed class CountAggregate<T> : Aggregate<T, long, long>
{
    public static readonly CountAggregate<T> Instance = new();

    public override long CreateAccumulator() => 0;

    public override void Add(ref long accumulator, T item) => accumulator++;

    public override long Merge(long left, long right) => left + right;

    public override long GetResult(long accumulator) => accumulator;
}

internal sealed class SumAggregate<T>(Func<T, double> selector) : Aggregate<T, double, double>
{
    public override double CreateAccumulator() => 0;

    public override void Add(ref double accumulator, T item) => accumulator += selector(item);

    public override double Merge(double left, double right) => left + right;

    public override double GetResult(double accumulator) => accumulator;
}

internal sealed class ExtremeAggregate<T>(Func<T, double> selector, bool max) : Aggregate<T, OptionalValue, double?>
{
    public override OptionalValue CreateAccumulator() => default;

    public override void Add(ref OptionalValue accumulator, T item)
    {
        var value = selector(item);
        if (!accumulator.HasValue || (max ? value > accumulator.Value : value < accumulator.Value))
        {
            accumulator.Value = value;
            accumulator.HasValue = true;
        }
    }

    public override OptionalValue Merge(OptionalValue left, OptionalValue right)
    {
        if (!left.HasValue)
        {
            return right;
        }

        if (!right.HasValue)
        {
            return left;
        }

        return (max ? right.Value > left.Value : right.Value < left.Value) ? right : left;
    }

    public override double? GetResult(OptionalValue accumulator) => accumulator.HasValue ? accumulator.Value : null;
}

internal sealed class AverageAggregate<T>(Func<T, double> selector) : Aggregate<T, RunningStatistics, double>
{
    public override RunningStatistics CreateAccumulator() => default;

    public override void Add(ref RunningStatistics accumulator, T item) => accumulator.Add(selector(item));

    public override RunningStatistics Merge(RunningStatistics left, RunningStatistics right) => RunningStatistics.Combine(left, right);

    public override double GetResult(RunningStatistics accumulator) => accumulator.Count == 0 ? double.NaN : accumulator.Mean;
}

internal sealed class StatisticsAggregate<T>(Func<T, double> selector) : Aggregate<T, RunningStatistics, RunningStatistics>
{
    public override RunningStatistics CreateAccumulator() => default;

    public override void Add(ref RunningStatistics accumulator, T item) => accumulator.Add(selector(item));

    public override RunningStatistics Merge(RunningStatistics left, RunningStatistics right) => RunningStatistics.Combine(left, right);

    public override RunningStatistics GetResult(RunningStatistics accumulator) => accumulator;
}

internal sealed class DistinctCountAggregate<T, TValue>(Func<T, TValue> selector) : Aggregate<T, HashSet<TValue>, long>
{
    public override HashSet<TValue> CreateAccumulator() => [];

    public override void Add(ref HashSet<TValue> accumulator, T item) => accumulator.Add(selector(item));

    public override HashSet<TValue> Merge(HashSet<TValue> left, HashSet<TValue> right)
    {
        left.UnionWith(right);
        return left;
    }

    public override long GetResult(HashSet<TValue> accumulator) => accumulator.Count;
}

internal sealed class HistogramAggregate<T> : Aggregate<T, long[], long[]>
{
    private readonly Func<T, double> _selector;
    private readonly double[] _boundaries;

    public HistogramAggregate(Func<T, double> selector, double[] boundaries)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(boundaries);
        if (boundaries.Length == 0)
        {
            throw new ArgumentException("A histogram needs at least one bucket boundary.", nameof(boundaries));
        }

        for (var i = 1; i < boundaries.Length; i++)
        {
            if (!(boundaries[i] > boundaries[i - 1]))
            {
                throw new ArgumentException($"Histogram boundaries must increase strictly; boundaries[{i}] = {boundaries[i]} follows {boundaries[i - 1]}.", nameof(boundaries));
            }
        }

        _selector = selector;
        _boundaries = [.. boundaries];
    }

    public override long[] CreateAccumulator() => new long[_boundaries.Length + 1];

    public override void Add(ref long[] accumulator, T item)
    {
        var value = _selector(item);
        var index = Array.BinarySearch(_boundaries, value);

        // An exact boundary starts its bucket; otherwise the complement is the first boundary above the value.
        accumulator[index >= 0 ? index + 1 : ~index]++;
    }

    public override long[] Merge(long[] left, long[] right)
    {
        for (var i = 0; i < left.Length; i++)
        {
            left[i] += right[i];
        }

        return left;
    }

    public override long[] GetResult(long[] accumulator) => [.. accumulator];
}

internal sealed class DelegateAggregate<T, TAcc, TOut>(Func<TAcc> seed, Func<TAcc, T, TAcc> add, Func<TAcc, TAcc, TAcc> merge, Func<TAcc, TOut> result)
    : Aggregate<T, TAcc, TOut>
{
    public override TAcc CreateAccumulator() => seed();

    public override void Add(ref TAcc accumulator, T item) => accumulator = add(accumulator, item);

    public override TAcc Merge(TAcc left, TAcc right) => merge(left, right);

    public override TOut GetResult(TAcc accumulator) => result(accumulator);
}
