namespace NgsiFlow.Cli.Demo;

/// <summary>p50/p95/p99 of a set of latencies, in milliseconds (nearest rank).</summary>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Count">How many values.</param>
internal sealed record Percentiles(double P50, double P95, double P99, double Max, int Count)
{
    /// <summary>No values.</summary>
    public static Percentiles Empty { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN, 0);

    /// <summary>Computes the percentiles (the input is sorted in place).</summary>
    /// <param name="values">Milliseconds.</param>
    /// <returns>The percentiles.</returns>
    public static Percentiles Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return Empty;
        }

        values.Sort();
        return new(Rank(values, 0.50), Rank(values, 0.95), Rank(values, 0.99), values[^1], values.Count);
    }

    private static double Rank(List<double> sorted, double p)
    {
        var index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
