using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>The two jobs: the prediction job of the tutorial, and a read-back job that sees each written prediction on the broker.</summary>
internal sealed partial class ConcreteScenario
{
    private long _ignored;

    private static EntityFilter Entities => EntityFilter.ByPattern("^Concrete[0-9]*$", ConcreteEntities.Type);

    private NgsiConnector StartJobs(DemoContext context, OnnxModel model, IReadOnlyList<string> features, ConcreteTracker tracker, Uri? mqtt)
    {
        var connector = new NgsiConnector(new ConnectorOptions
        {
            Receiver = new ReceiverOptions { Port = context.Options.ReceiverPort, PublicBaseUrl = context.Options.PublicUrl },
            Mqtt = mqtt is null ? null : new MqttReceiverOptions
            {
                BrokerUrl = mqtt,
                ClientId = "ngsiflow-demo-concrete",
                TopicPrefix = "ngsiflow-demo",
            },
        });
        var transport = mqtt is null ? NotificationTransport.Http : NotificationTransport.Mqtt;
        var broker = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = context.BrokerAddress, Fiware = context.Fiware }));
        var replier = connector.Replier(broker);

        // The tutorial's job. Its subscription fires on the inputs (and the row number, so equal rows still notify) and
        // leaves the outputs out, so that writing them back never notifies this job again.
        var layout = new FeatureVectorLayout(features);
        var predict = new StreamJob("concrete-strength");
        connector.Subscribe(predict, broker, new SubscriptionRequest
            {
                Name = "inputs",
                Entities = [Entities],
                ConditionAttributes = [.. features, ConcreteEntities.Strength, ConcreteEntities.Row],
                ExceptAttributes = [ConcreteEntities.PredictedStrength, ConcreteEntities.PredictionError],
                Fiware = context.Fiware,
                Transport = transport,
            })
            .ForEachAsync((e, ct) => PredictAsync(e, model, layout, replier, tracker, ct));

        // Reads every written prediction back from the broker: notified when an output changes, with the outputs only.
        var readBack = new StreamJob("concrete-read-back");
        connector.Subscribe(readBack, broker, new SubscriptionRequest
            {
                Name = "outputs",
                Entities = [Entities],
                ConditionAttributes = [ConcreteEntities.PredictedStrength, ConcreteEntities.PredictionError],
                Attributes = [ConcreteEntities.PredictedStrength, ConcreteEntities.PredictionError],
                Format = NotificationFormat.V2Normalized,
                Fiware = context.Fiware,
                Transport = transport,
            })
            .ForEachAsync((e, _) =>
            {
                if (e.Entity is NgsiV2Entity entity && ConcreteEntities.TryReadOutputs(entity, out var predicted, out var error, out var update)
                    && update < tracker.Updates)
                {
                    tracker.Observe(update, predicted, error);
                }

                return ValueTask.CompletedTask;
            });
        return connector;
    }

    private async ValueTask PredictAsync(NgsiEvent e, OnnxModel model, FeatureVectorLayout layout, NgsiReplier replier, ConcreteTracker tracker, CancellationToken cancellationToken)
    {
        double predicted, actual, row;
        try
        {
            Span<double> x = stackalloc double[layout.Length];
            layout.Fill(e.Entity, x);
            predicted = model.Predict(x).Value;
            actual = e.Entity.GetNumber(ConcreteEntities.Strength);
            row = e.Entity.TryGetNumber(ConcreteEntities.Row, out var r) ? r : -1;
        }
        catch (Exception ex) when (ex is NgsiAttributeException or ModelInputException)
        {
            // An entity someone else changed by hand (e.g. with --keep-running) without every input: nothing to predict.
            Interlocked.Increment(ref _ignored);
            return;
        }

        var update = row >= 0 && row < tracker.Updates && row == Math.Floor(row) ? (int)row : -1;
        var error = Math.Abs(predicted - actual);
        if (update >= 0)
        {
            tracker.Predicted(update, predicted, actual);
        }

        await replier.UpdateAttributesAsync(e, ConcreteEntities.Outputs(predicted, error, row), cancellationToken).ConfigureAwait(false);
        if (update >= 0)
        {
            tracker.Confirm(update);
        }
    }
}
