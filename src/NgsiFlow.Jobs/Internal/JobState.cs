namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// One key's state of a job file's job, stored as JSON (in the engine's keyed state in one process, in the key's grain
/// on a cluster): the open windows and the latest event time seen, which closes windows.
/// </summary>
internal sealed class JobState
{
    /// <summary>The open windows, oldest first.</summary>
    public List<WindowAccumulator> Windows { get; set; } = [];

    /// <summary>The latest event time seen (Unix ms), or <see cref="long.MinValue"/> before the first.</summary>
    public long Watermark { get; set; } = long.MinValue;
}

/// <summary>The aggregates of one window so far, one slot per aggregate of the job's window.</summary>
internal sealed class WindowAccumulator
{
    public long Start { get; set; }

    public long End { get; set; }

    public long Count { get; set; }

    /// <summary>Per aggregate: how many numeric values it took.</summary>
    public long[] Values { get; set; } = [];

    public double[] Sum { get; set; } = [];

    public double[] Min { get; set; } = [];

    public double[] Max { get; set; } = [];

    public double[] First { get; set; } = [];

    public double[] Last { get; set; } = [];

    public static WindowAccumulator Create(long start, long end, int aggregates) => new()
    {
        Start = start,
        End = end,
        Values = new long[aggregates],
        Sum = new double[aggregates],
        Min = Enumerable.Repeat(double.PositiveInfinity, aggregates).ToArray(),
        Max = Enumerable.Repeat(double.NegativeInfinity, aggregates).ToArray(),
        First = new double[aggregates],
        Last = new double[aggregates],
    };

    public void Add(int aggregate, double value)
    {
        if (Values[aggregate] == 0)
        {
            First[aggregate] = value;
        }

        Values[aggregate]++;
        Sum[aggregate] += value;
        Min[aggregate] = Math.Min(Min[aggregate], value);
        Max[aggregate] = Math.Max(Max[aggregate], value);
        Last[aggregate] = value;
    }

    /// <summary>The value of aggregate <paramref name="index"/>, or null when it took no value (an average of nothing).</summary>
    public double? Value(int index, JobAggregateOp op) => op switch
    {
        JobAggregateOp.Count => Count,
        _ when Values[index] == 0 => null,
        JobAggregateOp.Sum => Sum[index],
        JobAggregateOp.Avg => Sum[index] / Values[index],
        JobAggregateOp.Min => Min[index],
        JobAggregateOp.Max => Max[index],
        JobAggregateOp.First => First[index],
        _ => Last[index],
    };
}
