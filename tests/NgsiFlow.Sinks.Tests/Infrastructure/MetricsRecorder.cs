using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NgsiFlow.Sinks.Tests.Infrastructure;

/// <summary>Sums the NgsiFlow.Sinks measurements tagged with one sink or source name.</summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly string _name;

    public MetricsRecorder(string name)
    {
        _name = name;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SinkMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key is "sink" or "source" && Equals(tag.Value, _name))
                {
                    _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    public long this[string instrument] => _totals.GetValueOrDefault(instrument);

    /// <summary>
    /// Waits until the instrument's total reaches <paramref name="atLeast"/>. When <paramref name="pending"/> ends
    /// first (the write it waits on succeeded or failed while it should still be retrying), fails at once saying how.
    /// </summary>
    public async Task WaitUntilAsync(string instrument, long atLeast, TimeSpan timeout, Task? pending = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (this[instrument] < atLeast)
        {
            if (pending is { IsCompleted: true })
            {
                var outcome = pending.Exception?.InnerException is { } error ? $"failed: {error}" : $"ended as {pending.Status}";
                throw new InvalidOperationException($"{instrument} was {this[instrument]} for {_name}, below {atLeast}, when the write it waited on {outcome}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{instrument} stayed at {this[instrument]} for {_name}, below {atLeast}.");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose() => _listener.Dispose();
}
