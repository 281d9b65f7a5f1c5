// The FIWARE PySpark Connector's tutorial in C#: Material entities in a broker, a job that predicts their compressive
// strength with a random forest (ONNX) and writes predicted_strength and prediction_error back to each entity.
// Runs against the embedded NGSI-v2 broker; pass --broker http://orion:1026/ --public-url http://me:9100/ for a real Orion.
using System.Globalization;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

var brokerUrl = Argument("--broker");
var publicUrl = Argument("--public-url");
var dataPath = Argument("--data") ?? Path.Combine(AppContext.BaseDirectory, "mixes.csv");
var model = OnnxModel.Load(Argument("--model") ?? Path.Combine(AppContext.BaseDirectory, "concrete-rf150.onnx"));
string[] outputs = ["predicted_strength", "prediction_error"];
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var ct = stop.Token;

// 1. A broker: the embedded one unless told otherwise. The tutorial's tenant and service path.
await using var embedded = brokerUrl is null ? await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, ct) : null;
var brokerAddress = brokerUrl is null ? embedded!.BaseAddress : new Uri(brokerUrl);
var tenant = new FiwareContext("tutorial", "/pyspark", null);

// 2. Connect: a receiver for notifications, a connection to the broker, a replier for the results.
await using var connector = new NgsiConnector(new ConnectorOptions
{
    Receiver = new ReceiverOptions { Port = 0, PublicBaseUrl = publicUrl is null ? null : new Uri(publicUrl) },
});
var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = brokerAddress, Fiware = tenant }));
var replier = connector.Replier(orion);

// 3. The job: notified when a mix changes (never by its own outputs), predict, write the outputs back.
var features = new FeatureVectorLayout(model.FeatureNames);   // cement, slag, ash, water, superplastic, coarseagg, fineagg, age
var job = new StreamJob("concrete-strength");
connector.Subscribe(job, orion, new SubscriptionRequest
    {
        Entities = [EntityFilter.OfType("Material")],
        ConditionAttributes = [.. model.FeatureNames, "strength"],
        ExceptAttributes = outputs,
    })
    .Select(e =>
    {
        var predicted = model.Predict(features.ToArray(e.Entity)).Value;
        return (Event: e, Predicted: predicted, Error: Math.Abs(predicted - e.Entity.GetNumber("strength")));
    })
    .ForEachAsync((r, token) => new ValueTask(replier.AppendAttributesAsync(
        r.Event,
        [
            new NgsiV2Attribute("predicted_strength", NgsiValue.FromNumber(r.Predicted), "Number"),
            new NgsiV2Attribute("prediction_error", NgsiValue.FromNumber(r.Error), "Number"),
        ],
        token)));

await connector.StartAsync(ct);
Console.WriteLine($"Receiver at {connector.Receiver.PublicBaseUrl}, subscription {connector.Subscriptions[0].Id} on {brokerAddress}");

// 4. Feed the broker the way a laboratory would: one Material entity per mix, strength measured.
using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = brokerAddress, Fiware = tenant });
var lines = File.ReadAllLines(dataPath);
var header = lines[0].Split(',');
var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
for (var i = 0; i < rows.Count; i++)
{
    var attrs = header.Select((name, k) => new NgsiV2Attribute(name, NgsiValue.FromNumber(rows[i][k]), "Number"));
    await admin.UpsertEntityAsync(new NgsiV2Entity($"Concrete{i + 1}", "Material", new NgsiV2AttributeCollection(attrs)), cancellationToken: ct);
}

// 5. Read the predictions back from the broker.
Console.WriteLine($"{"entity",-12}{"age",6}{"measured",10}{"predicted",11}{"error",8}");
for (var i = 0; i < rows.Count; i++)
{
    var entity = await admin.GetEntityAsync($"Concrete{i + 1}", cancellationToken: ct);
    while (!entity.Attributes.Contains("prediction_error"))
    {
        await Task.Delay(20, ct);
        entity = await admin.GetEntityAsync($"Concrete{i + 1}", cancellationToken: ct);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{entity.Id,-12}{entity.GetNumber("age"),6}{entity.GetNumber("strength"),10:0.00}{entity.GetNumber("predicted_strength"),11:0.00}{entity.GetNumber("prediction_error"),8:0.00}"));
}

await connector.StopAsync(ct);
Console.WriteLine($"{replier.GetStatistics().Confirmed} predictions written back, {replier.GetStatistics().DeadLettered} failed.");

string? Argument(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
