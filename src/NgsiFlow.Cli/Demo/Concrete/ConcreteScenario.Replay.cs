using System.Diagnostics;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>Replaying the rows, waiting for the last predictions, checking the broker's final state, and the summary.</summary>
internal sealed partial class ConcreteScenario
{
    private static async Task ReplayAsync(NgsiV2Client broker, ConcreteDataSet data, string[] ids, ConcreteTracker tracker, double rate, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        for (var update = 0; update < tracker.Updates; update++)
        {
            if (rate > 0)
            {
                // Paced against the start rather than the previous update, so that a slow request does not slow the rate.
                var due = TimeSpan.FromSeconds(update / rate) - Stopwatch.GetElapsedTime(start);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken).ConfigureAwait(false);
                }
            }

            var row = update % data.Count;
            var attributes = ConcreteEntities.Update(data.Features, data.Rows[row], data.Strength[row], update);
            tracker.Sending(update);
            await broker.UpdateAttributesAsync(ids[update % ids.Length], attributes, ConcreteEntities.Type, cancellationToken: cancellationToken).ConfigureAwait(false);
            tracker.Accepted();
        }
    }

    /// <summary>
    /// Sends a few updates through the whole path (broker, receiver, job, model, replier) on an entity of its own before
    /// the measured replay, so that the first measured updates do not queue behind first-call costs (JIT, connections).
    /// Their row numbers lie past the replay's, so the tracker and the read-back job ignore them; the entity is deleted after.
    /// </summary>
    private static async Task WarmUpAsync(NgsiV2Client broker, ConcreteDataSet data, int updates, CancellationToken cancellationToken)
    {
        const string id = "Concrete0";
        const int rounds = 20;
        await broker.UpsertEntityAsync(ConcreteEntities.Empty(id, data.Features), cancellationToken: cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < rounds; k++)
        {
            var row = updates + k;
            await broker.UpdateAttributesAsync(id, ConcreteEntities.Update(data.Features, data.Rows[k % data.Count], data.Strength[k % data.Count], row), ConcreteEntities.Type, cancellationToken: cancellationToken).ConfigureAwait(false);
            var start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(5))
            {
                var entity = await broker.GetEntityAsync(id, ConcreteEntities.Type, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (ConcreteEntities.TryReadOutputs(entity, out _, out _, out var written) && written == row)
                {
                    break;
                }

                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }
        }

        await broker.DeleteEntityAsync(id, ConcreteEntities.Type, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task DrainAsync(ConcreteTracker tracker, TimeSpan quietLimit, CancellationToken cancellationToken)
    {
        // Waits while predictions keep arriving; stops once all are in or nothing moved for the quiet limit.
        var lastCount = -1L;
        var lastMove = Stopwatch.GetTimestamp();
        while (!tracker.IsComplete)
        {
            var count = tracker.WrittenCount + tracker.Mismatched + tracker.Confirmed + tracker.Observed;
            if (count != lastCount)
            {
                lastCount = count;
                lastMove = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastMove) > quietLimit)
            {
                return;
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every entity back: its outputs must be the job's prediction for the last update it received.</summary>
    private static async Task<int> ReadBackAsync(NgsiV2Client broker, string[] ids, ConcreteTracker tracker, CancellationToken cancellationToken)
    {
        var verified = 0;
        for (var k = 0; k < ids.Length; k++)
        {
            var last = tracker.Updates - 1 - ((tracker.Updates - 1 - k) % ids.Length);
            if (last < 0 || k >= tracker.Updates)
            {
                continue;
            }

            var entity = await broker.GetEntityAsync(ids[k], ConcreteEntities.Type, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (ConcreteEntities.TryReadOutputs(entity, out var predicted, out _, out var update) && update == last
                && predicted == tracker.PredictionOf(last))
            {
                verified++;
            }
        }

        return verified;
    }

    private DemoSummary Summarize(DemoContext context, ConcreteTracker tracker, int verifiedEntities)
    {
        var (mae, rmse, r2) = tracker.Scores();
        var extra = new List<KeyValuePair<string, object?>>();
        if (_reference is { } reference && _data is { } data)
        {
            double sklearnAbs = 0, maxDelta = 0;
            var n = 0;
            foreach (var (update, predicted, actual) in tracker.Counted())
            {
                var expected = reference[update % data.Count];
                sklearnAbs += Math.Abs(actual - expected);
                maxDelta = Math.Max(maxDelta, Math.Abs(predicted - expected));
                n++;
            }

            var sklearnMae = n == 0 ? double.NaN : sklearnAbs / n;
            extra.Add(new("sklearn_mae", sklearnMae));
            extra.Add(new("mae_delta", Math.Abs(mae - sklearnMae)));
            extra.Add(new("max_prediction_delta", maxDelta));
        }

        var readBack = Percentiles.Of(tracker.Latencies(readBack: true));
        extra.Add(new("read_back_latency_ms_p50", readBack.P50));
        extra.Add(new("read_back_latency_ms_p99", readBack.P99));
        extra.Add(new("confirmed", tracker.Confirmed));
        extra.Add(new("read_back", tracker.Observed));
        extra.Add(new("mismatched", tracker.Mismatched));
        extra.Add(new("duplicates", tracker.Duplicates));
        extra.Add(new("entities_verified", verifiedEntities));
        extra.Add(new("ignored_events", Interlocked.Read(ref _ignored)));
        extra.Add(new("model", Path.GetFileName(_model!.Name)));
        extra.Add(new("tenant", context.Fiware.Tenant));
        extra.Add(new("service_path", context.Fiware.ServicePath));
        return new DemoSummary
        {
            Scenario = Name,
            Updates = tracker.Sent,
            Predictions = tracker.WrittenCount,
            Mae = mae,
            Rmse = rmse,
            R2 = r2,
            Latency = Percentiles.Of(tracker.Latencies(readBack: false)),
            ReplaySeconds = tracker.ReplaySeconds,
            Rate = context.Options.Rate,
            Entities = context.Options.Entities,
            DashboardUrl = context.DashboardUrl,
            BrokerUrl = context.BrokerAddress,
            Extra = extra,
        };
    }
}
