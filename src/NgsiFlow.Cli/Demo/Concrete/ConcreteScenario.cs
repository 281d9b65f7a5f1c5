using NgsiFlow.Cli.Commands.Bench.Servers;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Dashboard;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>
/// The FIWARE PySpark Connector's tutorial: concrete mixes replayed as updates of <c>Material</c> entities, a job that
/// predicts their compressive strength with a 150-tree random forest and writes <c>predicted_strength</c> and
/// <c>prediction_error</c> back to the broker.
/// </summary>
internal sealed partial class ConcreteScenario : IDemoScenario, IAsyncDisposable
{
    private OnnxModel? _model;
    private ConcreteDataSet? _data;
    private ScikitLearnReference? _reference;
    private NgsiConnector? _connector;
    private MosquittoServer? _mosquitto;
    private NgsiV2Client? _admin;
    private CancellationTokenSource? _background;
    private Task _followSubscriptions = Task.CompletedTask;

    public string Name => "concrete";

    public string Title => "Concrete strength: random forest on FIWARE context data";

    public void Prepare(DemoOptions options)
    {
        var modelPath = DemoPaths.Resolve(options.ModelPath, "models/concrete-rf150.onnx", "model", "--model");
        try
        {
            _model = OnnxModel.Load(modelPath);
        }
        catch (Exception ex) when (ex is ModelLoadException or IOException or UnauthorizedAccessException)
        {
            throw new DemoException($"Cannot load the model '{modelPath}': {ex.Message}", ex);
        }

        if (_model.IsClassifier || _model.ScoreCount != 1)
        {
            throw new DemoException($"The model '{modelPath}' is not a single-output regressor ({_model.ScoreCount} scores); the concrete scenario predicts one strength per mix.");
        }

        var dataPath = DemoPaths.Resolve(options.DataPath, "data/concrete/concrete_dataset.csv", "data", "--data");
        _data = ConcreteDataSet.Load(dataPath, _model.FeatureNames, null, out _);
        _reference = ScikitLearnReference.TryLoad(_data);

        // Scoring every row once checks the model against the data before anything starts, and compiles the scoring path
        // so that the first streamed rows do not pay for it.
        try
        {
            foreach (var row in _data.Rows)
            {
                _ = _model.Predict(row);
            }
        }
        catch (ModelInputException ex)
        {
            throw new DemoException($"The model '{modelPath}' cannot score the rows of '{dataPath}': {ex.Message}", ex);
        }
    }

    public async Task<DemoSummary> RunAsync(DemoContext context, CancellationToken cancellationToken)
    {
        var model = _model ?? throw new InvalidOperationException("Prepare first.");
        var data = _data!;
        var options = context.Options;
        var updates = options.Updates ?? data.Count;
        var ids = ConcreteEntities.Ids(options.Entities);
        var tracker = new ConcreteTracker(updates);
        var dashboard = context.Feed is { } feed ? new ConcreteDashboard(feed, Title, ids, data.Features) : null;

        _admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = context.BrokerAddress, Fiware = context.Fiware });
        foreach (var id in ids)
        {
            await _admin.UpsertEntityAsync(ConcreteEntities.Empty(id, data.Features), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        Uri? mqtt = null;
        if (options.UsesMqtt)
        {
            mqtt = options.MqttBroker ?? (_mosquitto = await StartMosquittoAsync(cancellationToken).ConfigureAwait(false)).Uri;
        }

        _connector = StartJobs(context, model, data.Features, tracker, mqtt);
        await _connector.StartAsync(cancellationToken).ConfigureAwait(false);
        _background = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (dashboard is not null)
        {
            dashboard.ShowEntities();
            dashboard.State(DashboardJobState.Running);
            _followSubscriptions = dashboard.FollowSubscriptionsAsync(_admin, _connector.Subscriptions, _background.Token);
            tracker.Written += (update, actual, predicted, mae) =>
                dashboard.Written(ids[update % ids.Length], data.Rows[update % data.Count], actual, predicted, mae, update);
        }

        await WarmUpAsync(_admin, data, updates, cancellationToken).ConfigureAwait(false);
        context.Progress.Start(updates);
        using var reporter = new Timer(_ =>
        {
            context.Progress.Report(tracker.Sent, tracker.WrittenCount, tracker.RunningMae);
            dashboard?.Counters(tracker.Sent, tracker.WrittenCount, 0);
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

        await ReplayAsync(_admin, data, ids, tracker, options.Rate, cancellationToken).ConfigureAwait(false);
        context.Progress.Phase = "waiting for the last predictions";
        await DrainAsync(tracker, options.DrainTimeout, cancellationToken).ConfigureAwait(false);
        var verified = await ReadBackAsync(_admin, ids, tracker, cancellationToken).ConfigureAwait(false);

        var summary = Summarize(context, tracker, verified);
        context.Progress.Report(tracker.Sent, tracker.WrittenCount, tracker.RunningMae);
        dashboard?.Counters(tracker.Sent, tracker.WrittenCount, summary.Lost);
        dashboard?.State(summary.Lost == 0 ? DashboardJobState.Finished : DashboardJobState.Failed,
            summary.Lost == 0 ? $"{summary.Predictions:N0} predictions written, MAE {summary.Mae:0.000} MPa" : $"{summary.Lost:N0} predictions lost");
        context.Progress.Phase = "done";
        return summary;
    }

    private static async Task<MosquittoServer> StartMosquittoAsync(CancellationToken cancellationToken)
    {
        if (!MosquittoServer.IsInstalled)
        {
            throw new DemoException($"--notifications mqtt starts a mosquitto, and {MosquittoServer.ServerBinary} is missing: install the Debian package mosquitto (apt-get install mosquitto), or give an MQTT broker with --mqtt-broker.");
        }

        try
        {
            return await MosquittoServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
        {
            throw new DemoException("Could not start mosquitto: " + ex.Message, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_background is not null)
        {
            await _background.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _followSubscriptions.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        if (_connector is not null)
        {
            await _connector.DisposeAsync().ConfigureAwait(false);
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync().ConfigureAwait(false);
            _mosquitto = null;
        }

        _admin?.Dispose();
        _background?.Dispose();
        (_connector, _admin, _background, _followSubscriptions) = (null, null, null, Task.CompletedTask);
    }
}
