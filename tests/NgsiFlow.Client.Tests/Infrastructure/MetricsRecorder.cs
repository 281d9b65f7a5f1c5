using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NgsiFlow.Client.Tests.Infrastructure;

/// <summary>Sums what the <c>NgsiFlow.Client</c> meter reports while it listens.</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "NgsiFlow.Client")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    public double Sum(string name) => _sums.GetValueOrDefault(name);

    public int Count(string name) => _counts.GetValueOrDefault(name);

    public void Dispose() => _listener.Dispose();

    private void Add(string name, double value)
    {
        _sums.AddOrUpdate(name, value, (_, old) => old + value);
        _counts.AddOrUpdate(name, 1, (_, old) => old + 1);
    }
}
