using System.Text;
using System.Threading.Channels;
using NgsiFlow.Engine;
using NgsiFlow.Sinks;
using NgsiFlow.Sinks.RabbitMq;

namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// The detector monitoring job: records of the <c>data_raw</c> topic (10 partitions) are cut into micro-batches every
/// 5 s; each batch is cleaned and reduced to hits per chamber and two histograms per chamber
/// (<see cref="DetectorBatch"/>), and the result is published as one JSON message on <c>data_clean</c>.
/// </summary>
internal sealed class DetectorPipeline : IAsyncDisposable
{
    /// <summary>The seed's batch interval.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly List<IAsyncDisposable> _owned = [];

    private DetectorPipeline(StreamJob job) => Job = job;

    /// <summary>The job (start it, then stop it gracefully to flush the last batch).</summary>
    public StreamJob Job { get; }

    /// <summary>In process: the partitions of the in-memory <c>data_raw</c> topic, one CSV line per event.</summary>
    public IReadOnlyList<StreamInput<string>> Partitions { get; private set; } = [];

    /// <summary>In process: the in-memory <c>data_clean</c> topic (JSON messages); read it, or the job waits.</summary>
    public ChannelReader<byte[]>? Clean { get; private set; }

    /// <summary>Batches computed so far.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Records processed in finished batches so far.</summary>
    public long Records => Interlocked.Read(ref _records);

    private long _batches;
    private long _records;

    /// <summary>The batch computation on a stream of records: micro-batches every <paramref name="interval"/>, one result each.</summary>
    /// <param name="records">Parsed records.</param>
    /// <param name="interval">The batch interval.</param>
    /// <returns>The results.</returns>
    public static Stream<DetectorBatchResult> Histograms(Stream<DetectorHit> records, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records
            .Batch(interval, name: "batch")
            .Select(b => DetectorBatch.Compute(b.Items.Span, b.Id, b.Start, b.End), name: "histograms");
    }

    /// <summary>
    /// The job in process: <paramref name="partitions"/> in-memory partitions of CSV lines (a line that does not parse is
    /// skipped and counted by the <c>parse</c> operator) and an in-memory <c>data_clean</c> topic.
    /// </summary>
    /// <param name="interval">Batch interval.</param>
    /// <param name="partitions">Partitions of <c>data_raw</c>.</param>
    /// <param name="options">Engine options (a test clock...).</param>
    /// <returns>The pipeline, not started.</returns>
    public static DetectorPipeline InProcess(TimeSpan interval, int partitions = 10, StreamJobOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var job = new StreamJob("detector", options);
        var pipeline = new DetectorPipeline(job);
        var inputs = new StreamInput<string>[partitions];
        for (var p = 0; p < partitions; p++)
        {
            inputs[p] = job.Input<string>(name: $"data_raw.{p}");
        }

        var clean = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var records = job.Merge<string>(inputs).Select(line => DetectorHit.Parse(line), name: "parse", onError: ErrorPolicy.Skip);
        Histograms(records, interval).ForEachAsync(
            async (result, ct) =>
            {
                pipeline.Count(result);
                await clean.Writer.WriteAsync(result.ToJsonUtf8(), ct).ConfigureAwait(false);
            },
            name: "data_clean");
        _ = job.Completion.ContinueWith(t => clean.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        pipeline.Partitions = inputs;
        pipeline.Clean = clean.Reader;
        return pipeline;
    }

    /// <summary>
    /// The job on RabbitMQ: one queue source per partition of <c>data_raw</c> (a message holds one or more CSV lines; a
    /// message that does not parse is rejected to the dead-letter queue) and a publisher-confirmed sink to
    /// <c>data_clean</c>. Declare the <paramref name="topology"/> first.
    /// </summary>
    /// <param name="uri">The RabbitMQ server.</param>
    /// <param name="topology">The topics.</param>
    /// <param name="interval">Batch interval.</param>
    /// <param name="options">Engine options.</param>
    /// <returns>The pipeline, not started.</returns>
    public static DetectorPipeline OnRabbitMq(Uri uri, DetectorTopology topology, TimeSpan interval, StreamJobOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(topology);
        var job = new StreamJob("detector", options);
        var pipeline = new DetectorPipeline(job);
        var streams = new Stream<DetectorHit[]>[topology.Partitions];
        for (var p = 0; p < topology.Partitions; p++)
        {
            var source = new RabbitMqQueueSource<DetectorHit[]>(
                new RabbitMqQueueSourceOptions
                {
                    Uri = uri,
                    Queue = topology.PartitionQueue(p),
                    Prefetch = 500,
                    OnBadRecord = BadRecordHandling.Reject,
                    Name = topology.PartitionQueue(p),
                },
                d => DetectorHit.ParseLines(d.Body.Span));
            pipeline._owned.Add(source);
            streams[p] = job.From(source);
        }

        var sink = new RabbitMqSink<DetectorBatchResult>(
            new RabbitMqSinkOptions { Uri = uri, Exchange = string.Empty, RoutingKey = topology.Clean, Name = topology.Clean },
            r => new RabbitMqMessage(r.ToJsonUtf8()) { MessageId = "batch-" + r.BatchId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        pipeline._owned.Insert(0, sink);
        var results = Histograms(job.Merge(streams).SelectMany(a => a, name: "records"), interval);
        results.ForEachAsync((r, _) => { pipeline.Count(r); return ValueTask.CompletedTask; }, name: "count");
        results.To(sink, name: topology.Clean);
        return pipeline;
    }

    /// <summary>Encodes records as one message body of CSV lines.</summary>
    /// <param name="hits">The records.</param>
    /// <returns>UTF-8 text, one line per record.</returns>
    public static byte[] Encode(ReadOnlySpan<DetectorHit> hits)
    {
        var text = new StringBuilder(hits.Length * 28);
        foreach (ref readonly var hit in hits)
        {
            text.Append(hit.ToCsv()).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Job.DisposeAsync().ConfigureAwait(false);
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Count(DetectorBatchResult result)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _records, result.Records);
    }
}
