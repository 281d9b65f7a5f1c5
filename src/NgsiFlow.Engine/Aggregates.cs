using NgsiFlow.Engine.Operators.Aggregate;

namespace NgsiFlow.Engine;

/// <summary>The built-in aggregates, and a way to write one from functions.</summary>
public static class Aggregates
{
    /// <summary>The number of events.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, long, long> Count<T>() => CountAggregate<T>.Instance;

    /// <summary>The sum of a value.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, double, double> Sum<T>(Func<T, double> selector) => new SumAggregate<T>(selector);

    /// <summary>The smallest value (null for no events).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, OptionalValue, double?> Min<T>(Func<T, double> selector) => new ExtremeAggregate<T>(selector, max: false);

    /// <summary>The largest value (null for no events).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, OptionalValue, double?> Max<T>(Func<T, double> selector) => new ExtremeAggregate<T>(selector, max: true);

    /// <summary>The mean of a value (NaN for no events).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, RunningStatistics, double> Average<T>(Func<T, double> selector) => new AverageAggregate<T>(selector);

    /// <summary>Count, mean, variance, minimum and maximum of a value in one pass (Welford).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, RunningStatistics, RunningStatistics> Statistics<T>(Func<T, double> selector) => new StatisticsAggregate<T>(selector);

    /// <summary>The number of distinct values.</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TValue">The type of the values.</typeparam>
    /// <param name="selector">The value.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, HashSet<TValue>, long> DistinctCount<T, TValue>(Func<T, TValue> selector) => new DistinctCountAggregate<T, TValue>(selector);

    /// <summary>
    /// A histogram of a value over fixed buckets: with boundaries b0 &lt; b1 &lt; ... &lt; bn, the result has n + 2 counts:
    /// below b0, [b0, b1), ..., [bn-1, bn), and from bn up.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="selector">The value.</param>
    /// <param name="boundaries">The bucket boundaries, strictly increasing.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, long[], long[]> Histogram<T>(Func<T, double> selector, params double[] boundaries) => new HistogramAggregate<T>(selector, boundaries);

    /// <summary>A user-defined aggregate from functions (the accumulator is immutable: each step returns a new one).</summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <typeparam name="TAcc">The type of the accumulator.</typeparam>
    /// <typeparam name="TOut">The type of the result.</typeparam>
    /// <param name="seed">Creates an empty accumulator.</param>
    /// <param name="add">Adds an event.</param>
    /// <param name="merge">Combines two accumulators.</param>
    /// <param name="result">Turns an accumulator into the result.</param>
    /// <returns>The aggregate.</returns>
    public static Aggregate<T, TAcc, TOut> Create<T, TAcc, TOut>(Func<TAcc> seed, Func<TAcc, T, TAcc> add, Func<TAcc, TAcc, TAcc> merge, Func<TAcc, TOut> result) =>
        new DelegateAggregate<T, TAcc, TOut>(seed, add, merge, result);
}

/// <summary>An accumulator for a value that may be missing (min, max).</summary>
public struct OptionalValue
{
    /// <summary>Whether a value was seen.</summary>
    public bool HasValue;

    /// <summary>The value.</summary>
    public double Value;
}

/// <summary>Running count, mean, variance, minimum and maximum (Welford's method), as an accumulator and a result.</summary>
public struct RunningStatistics
{
    /// <summary>The number of values.</summary>
    public long Count;

    /// <summary>The mean.</summary>
    public double Mean;

    /// <summary>The sum of squared differences from the mean.</summary>
    public double M2;

    /// <summary>The smallest value.</summary>
    public double Min;

    /// <summary>The largest value.</summary>
    public double Max;

    /// <summary>The sample variance (NaN below two values).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public readonly double Variance => Count > 1 ? M2 / (Count - 1) : double.NaN;

    /// <summary>Adds a value.</summary>
    /// <param name="value">The value.</param>
    public void Add(double value)
    {
        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        M2 += delta * (value - Mean);
        Min = Count == 1 ? value : Math.Min(Min, value);
        Max = Count == 1 ? value : Math.Max(Max, value);
    }

    /// <summary>Combines two (Chan's parallel formula).</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns>The combination.</returns>
    public static RunningStatistics Combine(RunningStatistics left, RunningStatistics right)
    {
        if (left.Count == 0)
        {
            return right;
        }

        if (right.Count == 0)
        {
            return left;
        }

        var count = left.Count + right.Count;
        var delta = right.Mean - left.Mean;
        return new RunningStatistics
        {
            Count = count,
            Mean = left.Mean + (delta * right.Count / count),
            M2 = left.M2 + right.M2 + (delta * delta * left.Count * right.Count / count),
            Min = Math.Min(left.Min, right.Min),
            Max = Math.Max(left.Max, right.Max),
        };
    }
}
