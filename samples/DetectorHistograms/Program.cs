// The detector-monitoring seed pipeline in C#: hits as CSV lines on a 10-partition data_raw topic, a micro-batch
// every 5 s (Spark's foreachBatch) computing hits per chamber and two histograms per chamber, one JSON message per
// batch on data_clean. Runs in process; with --rabbitmq URL the results are also published to the data_clean queue.
//   dotnet run --project samples/DetectorHistograms [-- --seconds 12 --rabbitmq amqp://guest:guest@127.0.0.1:5672/]
using System.Globalization;
using System.Text.Json;
using DetectorHistograms;
using NgsiFlow.Engine;
using NgsiFlow.Sinks.RabbitMq;

var seconds = double.Parse(Argument("--seconds") ?? "12", CultureInfo.InvariantCulture);
var rabbitMq = Argument("--rabbitmq");
const int Partitions = 10;

// 1. The job: ten in-memory partitions of CSV lines, parsed, merged, batched every 5 s, reduced to a result.
var job = new StreamJob("detector-histograms");
var partitions = Enumerable.Range(0, Partitions).Select(p => job.Input<string>(name: $"data_raw.{p}")).ToArray();
var results = job.Merge<string>(partitions)
    .Select(Hit.Parse, name: "parse", onError: ErrorPolicy.Skip)     // a malformed line is counted and skipped
    .Batch(TimeSpan.FromSeconds(5))
    .Select(batch => Histograms.Compute(batch.Items.Span, batch.Id));

// 2. data_clean: the console, and RabbitMQ when asked (published with confirms).
results.ForEachAsync((r, _) =>
{
    Console.WriteLine(JsonSerializer.Serialize(r));
    return ValueTask.CompletedTask;
});
await using var sink = rabbitMq is null ? null : new RabbitMqSink<BatchResult>(
    new RabbitMqSinkOptions { Uri = new Uri(rabbitMq), Exchange = "", RoutingKey = "data_clean" },
    r => new RabbitMqMessage(JsonSerializer.SerializeToUtf8Bytes(r)));
if (sink is not null)
{
    await RabbitMqQueues.DeclareAsync(new Uri(rabbitMq!), "data_clean");
    results.To(sink);
}

job.Start();

// 3. A detector: muons crossing the four chambers, noise hits, and a trigger per muon; about 20,000 hits/s.
var random = new Random(1);
long orbit = 3_800_000_000;
var clock = System.Diagnostics.Stopwatch.StartNew();
long sent = 0;
while (clock.Elapsed.TotalSeconds < seconds)
{
    orbit++;
    var lines = new List<string>();
    if (random.NextDouble() < 0.3)
    {
        var bx = random.Next(0, 3500);
        lines.Add($"2,0,139,{orbit},{bx},{random.Next(30)}");
        var cell = random.Next(16);
        for (var chamber = 0; chamber < 4; chamber++)
        {
            for (var layer = 0; layer < 4; layer++)
            {
                lines.Add($"2,{chamber / 2},{(4 * cell) + layer + (64 * (chamber % 2))},{orbit},{bx + random.Next(16)},{random.Next(30)}");
            }
        }
    }

    lines.Add($"2,{random.Next(2)},{random.Next(128)},{orbit},{random.Next(3564)},{random.Next(30)}");
    foreach (var line in lines)
    {
        await partitions[(int)(orbit % Partitions)].WriteAsync(line, CancellationToken.None);
    }

    sent += lines.Count;
    while (sent > clock.Elapsed.TotalSeconds * 20_000)
    {
        await Task.Delay(5);
    }
}

// 4. A graceful stop emits the last, partial batch.
await job.StopAsync(CancellationToken.None);
Console.Error.WriteLine($"{sent:N0} hits sent");

string? Argument(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
