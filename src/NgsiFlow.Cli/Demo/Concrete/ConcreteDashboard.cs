using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Dashboard;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>The concrete scenario's panels: predicted against actual, the error over time, key values, entities, subscriptions.</summary>
internal sealed class ConcreteDashboard
{
    private readonly DashboardFeed _feed;
    private readonly ScatterPanel _strength;
    private readonly TimeSeriesPanel _error;
    private readonly HistogramPanel _errors;
    private readonly string[] _entityIds;
    private readonly IReadOnlyList<string> _features;

    private static readonly string[] ErrorBins =
        [.. Enumerable.Range(0, 10).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i}–{i + 1}")), "≥10"];

    public ConcreteDashboard(DashboardFeed feed, string title, string[] entityIds, IReadOnlyList<string> features)
    {
        _feed = feed;
        _entityIds = entityIds;
        _features = features;
        feed.SetJobName(title);
        _strength = feed.AddScatter("strength", "Predicted vs actual strength", "actual (MPa)", "predicted (MPa)", identityLine: true);
        _error = feed.AddTimeSeries("error", "Prediction error", "MPa",
            new ChartSeries("absolute error") { Unit = "MPa" }, new ChartSeries("running MAE") { Unit = "MPa" });
        _errors = feed.AddHistogram("error-distribution", "Absolute error distribution", "absolute error (MPa)", "predictions");

        // All bins from the start, so that the chart keeps its axis while the counts grow.
        _errors.Set(ErrorBins, new double[ErrorBins.Length]);
        feed.SetValue("Updates sent", 0);
        feed.SetValue("Predictions written", 0);
        feed.SetValue("Lost", 0);
        feed.SetValue("Running MAE", double.NaN, "MPa", decimals: 2);
        feed.SetJobState(DashboardJobState.Starting);
    }

    /// <summary>A prediction was written and read back.</summary>
    public void Written(string entityId, double[] features, double actual, double predicted, double mae, int update)
    {
        _strength.Add(actual, predicted);
        _error.Add(DateTimeOffset.UtcNow, Math.Abs(predicted - actual), mae);
        _errors.Increment(ErrorBins[Math.Min((int)Math.Abs(predicted - actual), ErrorBins.Length - 1)]);
        _feed.SetValue("Running MAE", mae, "MPa", decimals: 2);
        var attributes = new Dictionary<string, object?>(_features.Count + 4, StringComparer.Ordinal);
        for (var i = 0; i < _features.Count; i++)
        {
            attributes[_features[i]] = features[i];
        }

        attributes[ConcreteEntities.Strength] = actual;
        attributes[ConcreteEntities.PredictedStrength] = Math.Round(predicted, 3);
        attributes[ConcreteEntities.PredictionError] = Math.Round(Math.Abs(predicted - actual), 3);
        attributes[ConcreteEntities.Row] = update;
        _feed.UpsertEntity(entityId, ConcreteEntities.Type, attributes);
    }

    /// <summary>The counters.</summary>
    public void Counters(long sent, long written, long lost)
    {
        _feed.SetValue("Updates sent", sent);
        _feed.SetValue("Predictions written", written);
        _feed.SetValue("Lost", lost);
    }

    /// <summary>Initial rows of the entities table, before the first prediction.</summary>
    public void ShowEntities()
    {
        foreach (var id in _entityIds.Take(50))
        {
            _feed.UpsertEntity(id, ConcreteEntities.Type, new Dictionary<string, object?>(StringComparer.Ordinal) { [ConcreteEntities.Row] = -1 });
        }
    }

    public void State(DashboardJobState state, string? detail = null) => _feed.SetJobState(state, detail);

    /// <summary>Copies the subscriptions' status from the broker every second until cancelled.</summary>
    public async Task FollowSubscriptionsAsync(NgsiV2Client broker, IReadOnlyList<ManagedSubscription> subscriptions, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            foreach (var managed in subscriptions)
            {
                if (managed.Id is not { } id)
                {
                    continue;
                }

                try
                {
                    var s = await broker.GetSubscriptionAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false);
                    var n = s.Notification;
                    _feed.SetSubscriptionStatus(new DashboardSubscription
                    {
                        Id = id,
                        Status = (s.Status ?? NgsiV2SubscriptionStatus.Active).ToString().ToLowerInvariant(),
                        Description = $"{managed.Job}: {s.Description}",
                        TimesSent = n?.TimesSent,
                        LastNotification = n?.LastNotification,
                        LastSuccess = n?.LastSuccess,
                        LastFailure = n?.LastFailure,
                        LastFailureReason = n?.LastFailureReason,
                    });
                }
                catch (Exception ex) when (ex is NgsiClientException or HttpRequestException)
                {
                    _feed.SetSubscriptionStatus(new DashboardSubscription { Id = id, Status = "unknown", LastFailureReason = ex.Message });
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }
}
