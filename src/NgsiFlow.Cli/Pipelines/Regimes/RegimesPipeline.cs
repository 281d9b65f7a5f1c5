using System.Text.Json;
using System.Threading.Channels;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.InfluxDb;
using NgsiFlow.Sinks.RabbitMq;

namespace NgsiFlow.Cli.Pipelines.Regimes;

/// <summary>
/// The machine-regime job: temperature readings are keyed by machine, turned into the models' features
/// (<see cref="RegimeFeatures"/>), classified by the MLP, and each prediction is published to a results topic and,
/// when an InfluxDB sink is given, written there as temperature and regime.
/// </summary>
internal sealed class RegimesPipeline : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private long _predictions;

    private RegimesPipeline(StreamJob job) => Job = job;

    /// <summary>The job.</summary>
    public StreamJob Job { get; }

    /// <summary>In process: where readings go in.</summary>
    public StreamInput<MachineReading>? Readings { get; private set; }

    /// <summary>In process: the in-memory results topic; read it, or the job waits.</summary>
    public ChannelReader<RegimePrediction>? Results { get; private set; }

    /// <summary>Predictions made so far.</summary>
    public long Predictions => Interlocked.Read(ref _predictions);

    /// <summary>The InfluxDB point of a prediction: measurement <c>machine</c>, tag <c>machine</c>, fields temperature, regime (integer), regime_label, probability.</summary>
    /// <param name="p">The prediction.</param>
    /// <returns>The point.</returns>
    public static InfluxPoint ToPoint(RegimePrediction p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new InfluxPoint("machine")
            .Tag("machine", p.Reading.Machine)
            .Field("temperature", p.Reading.Temperature)
            .Field("regime", (long)p.RegimeIndex)
            .Field("regime_label", p.Regime)
            .Field("probability", p.Probability)
            .At(p.Reading.Time);
    }

    /// <summary>The results-topic message of a prediction.</summary>
    /// <param name="p">The prediction.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ToJson(RegimePrediction p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return JsonSerializer.SerializeToUtf8Bytes(new
        {
            machine = p.Reading.Machine,
            time = p.Reading.Time,
            temperature = p.Reading.Temperature,
            temperatureChange = p.TemperatureChange,
            temperatureMean10 = p.TemperatureMean10,
            regime = p.Regime,
            regimeIndex = p.RegimeIndex,
            probability = p.Probability,
            trueRegime = p.Reading.TrueRegime,
        });
    }

    /// <summary>Reads a results-topic message.</summary>
    /// <param name="json">UTF-8 JSON made by <see cref="ToJson"/>.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="JsonException">Not a prediction.</exception>
    /// <exception cref="KeyNotFoundException">A field is missing.</exception>
    public static RegimePrediction PredictionFromJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var reading = new MachineReading(
            root.GetProperty("machine").GetString() ?? throw new JsonException("machine is null"),
            root.GetProperty("time").GetDateTimeOffset(),
            root.GetProperty("temperature").GetDouble(),
            root.GetProperty("trueRegime").GetInt32());
        return new RegimePrediction(
            reading,
            root.GetProperty("temperatureChange").GetDouble(),
            root.GetProperty("temperatureMean10").GetDouble(),
            root.GetProperty("regime").GetString() ?? throw new JsonException("regime is null"),
            root.GetProperty("regimeIndex").GetInt32(),
            root.GetProperty("probability").GetDouble());
    }

    /// <summary>The classification on a stream of readings.</summary>
    /// <param name="readings">The readings.</param>
    /// <param name="classifier">The model.</param>
    /// <returns>One prediction per reading, in each machine's reading order.</returns>
    public static Stream<RegimePrediction> Classify(Stream<MachineReading> readings, RegimeClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(classifier);
        return readings
            .KeyBy(r => r.Machine, name: "machine")
            .Process<string, MachineReading, RegimeFeatures, RegimePrediction>(
                _ => new RegimeFeatures(),
                (string _, ref RegimeFeatures state, MachineReading reading, Emitter<RegimePrediction> output) =>
                {
                    Span<double> features = stackalloc double[3];
                    state.Add(reading.Temperature, features);
                    output.Emit(classifier.Classify(reading, features));
                },
                name: "classify");
    }

    /// <summary>The job in process: an input of readings, an in-memory results topic and an optional InfluxDB sink.</summary>
    /// <param name="classifier">The model.</param>
    /// <param name="influx">InfluxDB sink options, or null to skip InfluxDB.</param>
    /// <param name="options">Engine options.</param>
    /// <returns>The pipeline, not started.</returns>
    public static RegimesPipeline InProcess(RegimeClassifier classifier, InfluxDbSinkOptions? influx, StreamJobOptions? options = null)
    {
        var job = new StreamJob("regimes", options);
        var pipeline = new RegimesPipeline(job);
        var input = job.Input<MachineReading>(name: "readings");
        var results = Channel.CreateBounded<RegimePrediction>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        var predictions = pipeline.AddOutputs(Classify(input, classifier), influx);
        predictions.ForEachAsync((p, ct) => results.Writer.WriteAsync(p, ct), name: "results");
        _ = job.Completion.ContinueWith(t => results.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        pipeline.Readings = input;
        pipeline.Results = results.Reader;
        return pipeline;
    }

    /// <summary>
    /// The job on RabbitMQ: readings (JSON, <see cref="ReadingToJson"/>) from the queue <paramref name="readingsQueue"/>,
    /// predictions (JSON) published with confirms to the queue <paramref name="resultsQueue"/>, and the optional
    /// InfluxDB sink. Both queues are declared when missing.
    /// </summary>
    /// <param name="uri">The RabbitMQ server.</param>
    /// <param name="readingsQueue">The readings queue.</param>
    /// <param name="resultsQueue">The results queue.</param>
    /// <param name="classifier">The model.</param>
    /// <param name="influx">InfluxDB sink options, or null.</param>
    /// <param name="options">Engine options.</param>
    /// <returns>The pipeline, not started.</returns>
    public static RegimesPipeline OnRabbitMq(Uri uri, string readingsQueue, string resultsQueue, RegimeClassifier classifier, InfluxDbSinkOptions? influx, StreamJobOptions? options = null)
    {
        var job = new StreamJob("regimes", options);
        var pipeline = new RegimesPipeline(job);
        var source = new RabbitMqQueueSource<MachineReading>(
            new RabbitMqQueueSourceOptions { Uri = uri, Queue = readingsQueue, DeclareQueue = true, Prefetch = 1000, Name = readingsQueue },
            d => ReadingFromJson(d.Body.Span));
        var sink = new RabbitMqSink<RegimePrediction>(
            new RabbitMqSinkOptions { Uri = uri, Exchange = string.Empty, RoutingKey = resultsQueue, Name = resultsQueue },
            p => new RabbitMqMessage(ToJson(p)));
        pipeline._owned.Add(sink);
        pipeline._owned.Add(source);
        pipeline.AddOutputs(Classify(job.From(source), classifier), influx).To(sink, name: resultsQueue);
        return pipeline;
    }

    /// <summary>A reading as the RabbitMQ readings queue carries it.</summary>
    /// <param name="reading">The reading.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ReadingToJson(MachineReading reading) => JsonSerializer.SerializeToUtf8Bytes(reading);

    /// <summary>Reads a reading message.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The reading.</returns>
    /// <exception cref="JsonException">Not a reading.</exception>
    public static MachineReading ReadingFromJson(ReadOnlySpan<byte> json)
    {
        var reading = JsonSerializer.Deserialize<MachineReading>(json) ?? throw new JsonException("A reading message was null.");
        return string.IsNullOrEmpty(reading.Machine) || !double.IsFinite(reading.Temperature)
            ? throw new JsonException("A reading needs a Machine and a finite Temperature.")
            : reading;
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

    private Stream<RegimePrediction> AddOutputs(Stream<RegimePrediction> predictions, InfluxDbSinkOptions? influx)
    {
        predictions.ForEachAsync((_, _) => { Interlocked.Increment(ref _predictions); return ValueTask.CompletedTask; }, name: "count");
        if (influx is not null)
        {
            var sink = new InfluxDbSink<RegimePrediction>(influx, ToPoint);
            _owned.Add(sink);
            predictions.To(sink, name: "influxdb");
        }

        return predictions;
    }
}
