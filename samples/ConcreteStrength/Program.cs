// The seed tutorial in C#: connect to a broker, subscribe, receive entities, transform, write back.
// Runs against the embedded NGSI-v2 broker by default; pass --broker http://orion:1026/ and --public-url to use a real
// Orion that can reach this process.
using System.Globalization;
using ConcreteStrength;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

var brokerUrl = Argument("--broker");
var publicUrl = Argument("--public-url");
var dataPath = Argument("--data") ?? Path.Combine(AppContext.BaseDirectory, "mixes.csv");
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
var ct = stop.Token;

// 1. A broker: the embedded one unless told otherwise.
await using var embedded = brokerUrl is null ? await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, ct) : null;
var brokerAddress = brokerUrl is null ? embedded!.BaseAddress : new Uri(brokerUrl);
var tenant = new FiwareContext("concrete", "/plant1", null);

// 2. Connect: a receiver for notifications, a connection to the broker, a replier for the results.
await using var connector = new NgsiConnector(new ConnectorOptions
{
    Receiver = new ReceiverOptions { Port = 0, PublicBaseUrl = publicUrl is null ? null : new Uri(publicUrl) },
});
var orion = connector.AddBroker(BrokerConnection.V2(new NgsiClientOptions { BaseAddress = brokerAddress, Fiware = tenant }));
var replier = connector.Replier(orion, new ReplierOptions { BatchWindow = TimeSpan.FromMilliseconds(20) });

// 3. The job: subscribe to concrete mixes, predict, write the prediction back.
var layout = new FeatureVectorLayout(StrengthFormula.Features);
var job = new StreamJob("concrete-strength");
connector.Subscribe(job, orion, new SubscriptionRequest
    {
        Entities = [EntityFilter.OfType("ConcreteMix")],
        ConditionAttributes = StrengthFormula.Features,
        Attributes = StrengthFormula.Features,
        Lifetime = TimeSpan.FromHours(1),
    })
    .Select(e =>
    {
        var x = new float[layout.Length];
        layout.Fill(e.Entity, x);
        return (Event: e, Strength: StrengthFormula.Predict(x));
    })
    .ForEachAsync((r, token) => new ValueTask(replier.AppendAttributesAsync(
        r.Event,
        [new NgsiV2Attribute("predictedStrength", NgsiValue.FromNumber(r.Strength), "Number")],
        token)));

await connector.StartAsync(ct);
Console.WriteLine($"Receiver at {connector.Receiver.PublicBaseUrl}, subscription {connector.Subscriptions[0].Id} on {brokerAddress}");

// 4. Feed the broker the way sensors would: each new mix (its creation triggers the notification).
using var admin = new NgsiV2Client(new NgsiClientOptions { BaseAddress = brokerAddress, Fiware = tenant });
var rows = File.ReadLines(dataPath).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
for (var i = 0; i < rows.Count; i++)
{
    var attrs = StrengthFormula.Features.Select((name, k) => new NgsiV2Attribute(name, NgsiValue.FromNumber(rows[i][k]), "Number"));
    await admin.UpsertEntityAsync(new NgsiV2Entity($"mix{i:000}", "ConcreteMix", new NgsiV2AttributeCollection(attrs)), cancellationToken: ct);
}

// 5. Read the predictions back.
Console.WriteLine($"{"mix",-8}{"age",6}{"measured",10}{"predicted",11}");
for (var i = 0; i < rows.Count; i++)
{
    NgsiV2Attribute? predicted = null;
    while (predicted is null)
    {
        var entity = await admin.GetEntityAsync($"mix{i:000}", cancellationToken: ct);
        if (!entity.Attributes.TryGet("predictedStrength", out predicted))
        {
            await Task.Delay(20, ct);
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mix{i:000}  {rows[i][7],6}{rows[i][8],10:0.00}{predicted.Value.GetNumber(),11:0.00}"));
}

await connector.StopAsync(ct);
var stats = replier.GetStatistics();
Console.WriteLine($"{connector.Receiver.GetStatistics().Events} events received, {stats.Confirmed} write-backs confirmed in {stats.Requests} requests, {stats.DeadLettered} dead-lettered.");

string? Argument(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
