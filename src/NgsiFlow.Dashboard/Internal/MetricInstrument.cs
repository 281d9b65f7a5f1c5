using System.Diagnostics.Metrics;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>What the dashboard does with an instrument's measurements.</summary>
internal enum MetricKind
{
    /// <summary>Measurements are increments; shown as total and rate.</summary>
    Counter,

    /// <summary>Observations are cumulative totals; shown as total and rate.</summary>
    ObservedCounter,

    /// <summary>Measurements are increments that may be negative; shown as the current value.</summary>
    UpDownCounter,

    /// <summary>Observations are the current value.</summary>
    Gauge,

    /// <summary>Measurements are samples; shown as count, rate, p50 and p99.</summary>
    Histogram,
}

/// <summary>The state of one instrument the feed listens to, split by tag combination.</summary>
internal sealed class MetricInstrument
{
    /// <summary>A misbehaving instrument with unbounded tag values must not grow memory without end.</summary>
    private const int MaxSeries = 64;
    private readonly List<MetricSeries> _series = [];
    private MetricSeries? _overflow;

    public MetricInstrument(Instrument instrument, MetricKind kind)
    {
        Instrument = instrument;
        Kind = kind;
        TimeFactorToMs = instrument.Unit switch
        {
            "ms" => 1,
            "s" => 1000,
            "us" or "μs" => 0.001,
            "ns" => 0.000001,
            _ => double.NaN,
        };
    }

    public Instrument Instrument { get; }

    public MetricKind Kind { get; }

    /// <summary>The factor that turns this histogram's unit into milliseconds, NaN when it does not measure time.</summary>
    public double TimeFactorToMs { get; }

    public Lock Gate { get; } = new();

    public IReadOnlyList<MetricSeries> Series => _series;

    public static MetricKind? KindOf(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
        {
            return null;
        }

        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return MetricKind.Counter;
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return MetricKind.ObservedCounter;
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return MetricKind.UpDownCounter;
        }

        if (definition == typeof(ObservableUpDownCounter<>) || definition == typeof(ObservableGauge<>) || definition == typeof(Gauge<>))
        {
            return MetricKind.Gauge;
        }

        return definition == typeof(Histogram<>) ? MetricKind.Histogram : null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (Gate)
        {
            var series = Find(tags);
            series.Seen = true;
            switch (Kind)
            {
                case MetricKind.Counter:
                case MetricKind.UpDownCounter:
                    series.Value += value;
                    break;
                case MetricKind.ObservedCounter:
                case MetricKind.Gauge:
                    series.Value = value;
                    break;
                case MetricKind.Histogram:
                    series.RecordHistogram(value);
                    break;
            }
        }
    }

    private MetricSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var s in _series)
        {
            if (s.Matches(tags))
            {
                return s;
            }
        }

        if (_series.Count >= MaxSeries)
        {
            return _overflow ??= new MetricSeries([new("tags", "(other)")]);
        }

        var created = new MetricSeries(tags.ToArray());
        _series.Add(created);
        if (_series.Count == MaxSeries && _overflow is null)
        {
            _overflow = new MetricSeries([new("tags", "(other)")]);
            _series.Add(_overflow);
        }

        return created;
    }
}
