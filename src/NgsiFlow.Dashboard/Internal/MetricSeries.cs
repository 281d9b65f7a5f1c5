namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// The measurements of one instrument for one combination of tags. Histograms keep bounded samples: the most
/// recent values (for the table) and a reservoir of the values since the last sample (for the latency chart).
/// Callers lock the owning <see cref="MetricInstrument"/>.
/// </summary>
internal sealed class MetricSeries
{
    private const int RecentCapacity = 2048;
    private const int IntervalCapacity = 4096;
    private double[]? _recent;
    private int _recentCount;
    private int _recentNext;
    private List<double>? _interval;
    private long _intervalSeen;

    public MetricSeries(KeyValuePair<string, object?>[] tags)
    {
        Tags = tags;
        TagText = string.Join(", ", tags.Select(t => $"{t.Key}={t.Value}"));
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public string TagText { get; }

    /// <summary>Counter total, up-down counter or gauge value, or histogram count.</summary>
    public double Value { get; set; }

    public double PreviousValue { get; set; }

    public double Sum { get; set; }

    public bool Seen { get; set; }

    public void RecordHistogram(double value)
    {
        Value++;
        Sum += value;
        _recent ??= new double[RecentCapacity];
        _recent[_recentNext] = value;
        _recentNext = (_recentNext + 1) % RecentCapacity;
        _recentCount = Math.Min(_recentCount + 1, RecentCapacity);

        _interval ??= [];
        _intervalSeen++;
        if (_interval.Count < IntervalCapacity)
        {
            _interval.Add(value);
        }
        else
        {
            // Reservoir sampling keeps the interval's percentiles honest when a fast job records more than fits.
            var slot = Random.Shared.NextInt64(_intervalSeen);
            if (slot < IntervalCapacity)
            {
                _interval[(int)slot] = value;
            }
        }
    }

    /// <summary>The values since the last call, sorted, then forgets them.</summary>
    public double[] TakeInterval()
    {
        if (_interval is null || _interval.Count == 0)
        {
            return [];
        }

        var values = _interval.ToArray();
        _interval.Clear();
        _intervalSeen = 0;
        Array.Sort(values);
        return values;
    }

    public double[] SortedRecent()
    {
        if (_recent is null)
        {
            return [];
        }

        var values = _recent.AsSpan(0, _recentCount).ToArray();
        Array.Sort(values);
        return values;
    }

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Tags.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (!string.Equals(tags[i].Key, Tags[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, Tags[i].Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
