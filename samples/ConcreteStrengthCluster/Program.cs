// The concrete-strength job of the FIWARE PySpark Connector's tutorial as one node of an NgsiFlow cluster: start the
// same program on several machines (or ports) against one Redis, put them behind one URL, and every Material update
// is predicted by the node that owns that entity's grain, with its state stored in Redis before Orion gets its 2xx.
//
//   dotnet run --project samples/ConcreteStrengthCluster -- --redis 127.0.0.1:6379 --broker http://orion:1026/ \
//       --port 9101 --silo-port 11111 --public-url http://load-balancer:9100/
using System.Net;
using Microsoft.Extensions.Hosting;
using NgsiFlow.Client;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Inference;
using NgsiFlow.Ngsi;

var model = OnnxModel.Load(Argument("--model") ?? Path.Combine(AppContext.BaseDirectory, "concrete-rf150.onnx"));
var features = new FeatureVectorLayout(model.FeatureNames);   // cement, slag, ash, water, superplastic, coarseagg, fineagg, age
string[] outputs = ["predicted_strength", "prediction_error"];

// The job: per Material entity, predict from its mix and write the prediction back. The state (how many predictions
// were made for the entity) is what moves with the entity when a node fails.
var job = new ClusterJob<MaterialState>("concrete-strength", _ => new MaterialState(), (_, state, e, writes) =>
{
    var predicted = model.Predict(features.ToArray(e.Entity)).Value;
    state.Predictions++;
    writes.Add(new WriteBack(e.EntityId, e.EntityType,
    [
        new NgsiV2Attribute("predicted_strength", NgsiValue.FromNumber(predicted), "Number"),
        new NgsiV2Attribute("prediction_error", NgsiValue.FromNumber(Math.Abs(predicted - e.Entity.GetNumber("strength"))), "Number"),
    ], e.Fiware with { Correlator = null }));
})
{
    Description = "predicts the compressive strength of Material entities with a 150-tree random forest",
    Subscriptions =
    [
        new SubscriptionRequest
        {
            Name = "materials",
            Entities = [EntityFilter.OfType("Material")],
            ConditionAttributes = [.. model.FeatureNames, "strength"],
            ExceptAttributes = outputs,
            Fiware = new FiwareContext("tutorial", "/pyspark", null),
        },
    ],
};

var builder = Host.CreateApplicationBuilder(args);
builder.AddNgsiFlowCluster(o =>
{
    o.Jobs.Add(job);
    o.Redis = Argument("--redis") ?? "127.0.0.1:6379";
    o.Broker = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = new Uri(Argument("--broker") ?? "http://127.0.0.1:1026/") });
    o.SiloPort = int.Parse(Argument("--silo-port") ?? "11111", System.Globalization.CultureInfo.InvariantCulture);
    o.Receiver = new ReceiverOptions
    {
        ListenAddress = IPAddress.Any,
        Port = int.Parse(Argument("--port") ?? "9100", System.Globalization.CultureInfo.InvariantCulture),
        PublicBaseUrl = Argument("--public-url") is { } url ? new Uri(url) : null,
    };
});
await builder.Build().RunAsync();

string? Argument(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

/// <summary>What the cluster keeps per Material entity.</summary>
internal sealed class MaterialState
{
    public long Predictions { get; set; }
}
