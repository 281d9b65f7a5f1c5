// The machine-regime seed pipeline in C#: temperature readings stream in, each machine's features (temperature, its
// change, the mean of the last ten) are kept as keyed state, an ONNX MLP classifies the regime, and every prediction
// goes to a results topic (here the console) and, with --influx URL, to InfluxDB as temperature and regime.
//   dotnet run --project samples/MachineRegimes [-- --readings 600 --influx http://127.0.0.1:8086/]
using System.Globalization;
using MachineRegimes;
using NgsiFlow.Engine;
using NgsiFlow.Inference;
using NgsiFlow.Sinks.InfluxDb;

var readings = int.Parse(Argument("--readings") ?? "600", CultureInfo.InvariantCulture);
var influxUrl = Argument("--influx");
var model = OnnxModel.Load(Path.Combine(AppContext.BaseDirectory, "regimes-mlp.onnx"));

// 1. The job: per machine, features as keyed state, then the model.
var job = new StreamJob("machine-regimes");
var input = job.Input<Reading>();
var predictions = input
    .KeyBy(r => r.Machine)
    .Process<string, Reading, Features, RegimePrediction>(
        _ => new Features(),
        (string _, ref Features state, Reading r, Emitter<RegimePrediction> output) =>
        {
            var (change, mean10) = state.Add(r.Temperature);
            var p = model.Predict([r.Temperature, change, mean10]);
            output.Emit(new RegimePrediction(r.Machine, r.Time, r.Temperature, p.Label!, p.Probability(p.Label!)));
        },
        name: "classify");

// 2. Sinks: the results topic (console) and InfluxDB when asked.
var counts = new Dictionary<string, int>();
predictions.ForEachAsync((p, _) =>
{
    counts[p.Regime] = counts.GetValueOrDefault(p.Regime) + 1;
    if (counts.Values.Sum() % 50 == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Time:HH:mm:ss.fff} {p.Machine} {p.Temperature,6:0.0} °C  {p.Regime,-8} p={p.Probability:0.000}"));
    }

    return ValueTask.CompletedTask;
});
await using var influx = influxUrl is null ? null : new InfluxDbSink<RegimePrediction>(
    new InfluxDbSinkOptions { ServerUri = new Uri(influxUrl), Database = "machines", CreateDatabase = true, Precision = InfluxPrecision.Milliseconds },
    p => new InfluxPoint("machine").Tag("machine", p.Machine).Field("temperature", p.Temperature)
        .Field("regime", p.Regime).Field("probability", p.Probability).At(p.Time));
if (influx is not null)
{
    predictions.To(influx);
}

job.Start();

// 3. A machine switching between idle (~35 °C), working (~60 °C) and overload (~85 °C) every 80–300 readings.
var random = new Random(7);
double[] levels = [35, 60, 85];
double temperature = 35;
var regime = 0;
var left = 0;
var start = DateTimeOffset.UtcNow;
for (var i = 0; i < readings; i++)
{
    if (left-- == 0)
    {
        regime = (regime + 1 + random.Next(2)) % 3;
        left = random.Next(80, 300);
    }

    var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    temperature += (0.15 * (levels[regime] - temperature)) + (noise * (0.8 + regime));
    await input.WriteAsync(new Reading("press-1", start.AddMilliseconds(100 * i), temperature), CancellationToken.None);
}

await job.StopAsync(CancellationToken.None);
Console.WriteLine("predictions per regime: " + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}")));

string? Argument(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
