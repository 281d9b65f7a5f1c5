using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// Listens to the process's <c>System.Diagnostics.Metrics</c> instruments whose meter name starts with a prefix,
/// and turns them into table rows (totals, rates, percentiles per tag combination) and a bounded history of
/// throughput and latency for the charts. The measurement callbacks only update numbers under a per-instrument
/// lock, so a job that records tens of thousands of measurements per second pays little.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    private const int MaxRows = 300;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, MetricInstrument> _instruments = new();
    private readonly string _prefix;
    private readonly Queue<HistoryPoint> _history = new();
    private readonly int _historyCapacity;
    private List<MetricRow> _rows = [];
    private long _lastSampleTicks;

    public MetricsCollector(string prefix, int historyCapacity)
    {
        _prefix = prefix;
        _historyCapacity = historyCapacity;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith(_prefix, StringComparison.Ordinal) && MetricInstrument.KindOf(instrument) is { } kind)
            {
                var state = _instruments.GetOrAdd(instrument, i => new MetricInstrument(i, kind));
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out MetricInstrument? _);
        _listener.SetMeasurementEventCallback<byte>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<short>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => ((MetricInstrument)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, v, tags, state) => ((MetricInstrument)state!).Record((double)v, tags));
        _listener.Start();
        _lastSampleTicks = Environment.TickCount64;
    }

    /// <summary>How many instruments are being listened to.</summary>
    public int InstrumentCount => _instruments.Count;

    /// <summary>Samples every instrument now: new table rows and one more history point. Caller holds the feed's commit lock.</summary>
    public void Sample(DateTimeOffset now)
    {
        _listener.RecordObservableInstruments();
        var ticks = Environment.TickCount64;
        var seconds = Math.Max(0.001, (ticks - _lastSampleTicks) / 1000.0);
        _lastSampleTicks = ticks;

        var rows = new List<MetricRow>();
        var point = new HistoryPoint(now.ToUnixTimeMilliseconds() / 1000.0);
        foreach (var instrument in _instruments.Values.OrderBy(i => i.Instrument.Meter.Name, StringComparer.Ordinal).ThenBy(i => i.Instrument.Name, StringComparer.Ordinal))
        {
            SampleInstrument(instrument, seconds, rows, point);
        }

        _rows = rows.Count > MaxRows ? rows[..MaxRows] : rows;
        _history.Enqueue(point);
        while (_history.Count > _historyCapacity)
        {
            _history.Dequeue();
        }
    }

    private static void SampleInstrument(MetricInstrument instrument, double seconds, List<MetricRow> rows, HistoryPoint point)
    {
        var name = instrument.Instrument.Name;
        double rateSum = 0, p50Max = double.NaN, p99Max = double.NaN;
        var anyRate = false;
        lock (instrument.Gate)
        {
            foreach (var series in instrument.Series)
            {
                if (!series.Seen)
                {
                    continue;
                }

                var row = new MetricRow(instrument, series.TagText);
                switch (instrument.Kind)
                {
                    case MetricKind.Counter:
                    case MetricKind.ObservedCounter:
                        row.Total = series.Value;
                        row.Rate = Math.Max(0, series.Value - series.PreviousValue) / seconds;
                        series.PreviousValue = series.Value;
                        rateSum += row.Rate;
                        anyRate = true;
                        break;
                    case MetricKind.UpDownCounter:
                    case MetricKind.Gauge:
                        row.Value = series.Value;
                        break;
                    case MetricKind.Histogram:
                        row.Total = series.Value;
                        row.Rate = Math.Max(0, series.Value - series.PreviousValue) / seconds;
                        series.PreviousValue = series.Value;
                        row.Mean = series.Value > 0 ? series.Sum / series.Value : double.NaN;
                        var recent = series.SortedRecent();
                        row.P50 = MetricSeries.Percentile(recent, 0.50);
                        row.P99 = MetricSeries.Percentile(recent, 0.99);
                        var interval = series.TakeInterval();
                        if (interval.Length > 0 && !double.IsNaN(instrument.TimeFactorToMs))
                        {
                            p50Max = Max(p50Max, MetricSeries.Percentile(interval, 0.50) * instrument.TimeFactorToMs);
                            p99Max = Max(p99Max, MetricSeries.Percentile(interval, 0.99) * instrument.TimeFactorToMs);
                        }

                        break;
                }

                rows.Add(row);
            }
        }

        if (anyRate)
        {
            point.Rates[name] = rateSum;
        }

        if (!double.IsNaN(p99Max))
        {
            point.P50[name] = p50Max;
            point.P99[name] = p99Max;
        }
    }

    private static double Max(double a, double b) => double.IsNaN(a) || b > a ? b : a;

    /// <summary>Writes the latest rows and the newest history point (an update) or the whole history (a snapshot).</summary>
    public void WriteTo(Utf8JsonWriter writer, bool wholeHistory)
    {
        writer.WriteStartObject("metrics");
        writer.WriteStartArray("rows");
        foreach (var row in _rows)
        {
            row.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("history");
        if (wholeHistory)
        {
            foreach (var p in _history)
            {
                p.WriteTo(writer);
            }
        }
        else if (_history.Count > 0)
        {
            _history.Last().WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public void Dispose() => _listener.Dispose();

    private sealed class MetricRow(MetricInstrument instrument, string tags)
    {
        public double Total { get; set; } = double.NaN;

        public double Rate { get; set; } = double.NaN;

        public double Value { get; set; } = double.NaN;

        public double Mean { get; set; } = double.NaN;

        public double P50 { get; set; } = double.NaN;

        public double P99 { get; set; } = double.NaN;

        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("meter", instrument.Instrument.Meter.Name);
            writer.WriteString("name", instrument.Instrument.Name);
            writer.WriteString("kind", instrument.Kind switch
            {
                MetricKind.Counter or MetricKind.ObservedCounter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            });
            if (!string.IsNullOrEmpty(instrument.Instrument.Unit))
            {
                writer.WriteString("unit", instrument.Instrument.Unit);
            }

            writer.WriteString("tags", tags);
            WriteIfSet(writer, "total", Total);
            WriteIfSet(writer, "rate", Rate);
            WriteIfSet(writer, "value", Value);
            WriteIfSet(writer, "mean", Mean);
            WriteIfSet(writer, "p50", P50);
            WriteIfSet(writer, "p99", P99);
            writer.WriteEndObject();
        }

        private static void WriteIfSet(Utf8JsonWriter writer, string name, double value)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumber(name, value);
            }
        }
    }

    private sealed class HistoryPoint(double time)
    {
        public Dictionary<string, double> Rates { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> P50 { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> P99 { get; } = new(StringComparer.Ordinal);

        public void WriteTo(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteNumber("t", time);
            WriteMap(writer, "rate", Rates);
            WriteMap(writer, "p50", P50);
            WriteMap(writer, "p99", P99);
            writer.WriteEndObject();
        }

        private static void WriteMap(Utf8JsonWriter writer, string name, Dictionary<string, double> map)
        {
            writer.WriteStartObject(name);
            foreach (var (key, value) in map)
            {
                JsonValues.WriteNumber(writer, key, value);
            }

            writer.WriteEndObject();
        }
    }
}
