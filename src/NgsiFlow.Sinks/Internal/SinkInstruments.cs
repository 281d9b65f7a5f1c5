using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace NgsiFlow.Sinks.Internal;

/// <summary>The instruments behind <see cref="SinkMetrics"/>, bound to one sink's tags.</summary>
internal sealed class SinkInstruments
{
    private static readonly Meter Meter = new(SinkMetrics.MeterName, typeof(SinkInstruments).Assembly.GetName().Version?.ToString());
    private static readonly Counter<long> RecordsCounter = Meter.CreateCounter<long>(SinkMetrics.RecordsWritten, "{record}", "Records the destination acknowledged.");
    private static readonly Counter<long> BatchesCounter = Meter.CreateCounter<long>(SinkMetrics.BatchesWritten, "{batch}", "Batches the destination acknowledged.");
    private static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>(SinkMetrics.Retries, "{retry}", "Retries after a transient failure.");
    private static readonly Counter<long> FailuresCounter = Meter.CreateCounter<long>(SinkMetrics.Failures, "{batch}", "Batches given up on.");
    private static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(SinkMetrics.BatchDuration, "s", "Time to write a batch, retries included.");
    private static readonly Counter<long> SourceReadCounter = Meter.CreateCounter<long>(SinkMetrics.SourceRecordsRead, "{record}", "Records a source delivered.");
    private static readonly Counter<long> SourceRejectedCounter = Meter.CreateCounter<long>(SinkMetrics.SourceRecordsRejected, "{record}", "Records a source rejected.");

    private readonly TagList _tags;

    private SinkInstruments(TagList tags) => _tags = tags;

    public static SinkInstruments ForSink(string name, string type) => new(new TagList { { "sink", name }, { "sink.type", type } });

    public static SinkInstruments ForSource(string name, string type) => new(new TagList { { "source", name }, { "source.type", type } });

    public void BatchWritten(int records, TimeSpan duration)
    {
        RecordsCounter.Add(records, _tags);
        BatchesCounter.Add(1, _tags);
        DurationHistogram.Record(duration.TotalSeconds, _tags);
    }

    public void Retried() => RetriesCounter.Add(1, _tags);

    public void Failed() => FailuresCounter.Add(1, _tags);

    public void Read() => SourceReadCounter.Add(1, _tags);

    public void Rejected() => SourceRejectedCounter.Add(1, _tags);
}
