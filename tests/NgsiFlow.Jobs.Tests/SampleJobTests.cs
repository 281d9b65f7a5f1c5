using System.Globalization;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Jobs.Tests;

/// <summary>
/// Each job file in samples/jobs run against the embedded broker as a user runs it: entities created, updates sent,
/// outputs read back from the broker and compared with the model's (scikit-learn's) predictions.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SampleJobTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public Task ConcreteJob_memoryStore_writesTheForestsPredictions() => RunConcreteAsync(new BrokerOptions { Port = 0 }, rows: 120);

    [Fact]
    public async Task ConcreteJob_postgresStore_writesTheForestsPredictions()
    {
        var connectionString = await postgres.DatabaseAsync("jobs_concrete");
        await RunConcreteAsync(new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = connectionString }, rows: 60);
    }

    [Fact]
    public async Task RegimesJob_embeddedBroker_writesLabelAndProbabilities()
    {
        using var plan = JobPlan.Resolve(JobFile.Load(TestPaths.InRepository("samples", "jobs", "machine-regimes.yaml")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { EmbeddedBrokerPort = 0, ReceiverPort = 0 });
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = runner.BrokerAddress });
        var rows = Csv(TestPaths.InRepository("models", "regimes.expected.csv")).Take(40).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            await client.UpsertEntityAsync(new NgsiV2Entity($"Machine{i}", "Machine", new NgsiV2AttributeCollection(
            [
                new NgsiV2Attribute("temperature", NgsiValue.FromNumber(Number(rows[i], "temperature")), "Number"),
                new NgsiV2Attribute("temperature_change", NgsiValue.FromNumber(Number(rows[i], "temperature_change")), "Number"),
                new NgsiV2Attribute("temperature_mean10", NgsiValue.FromNumber(Number(rows[i], "temperature_mean10")), "Number"),
            ])));
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var entity = await WaitForAsync(client, $"Machine{i}", "regime_probabilities");
            entity.Attributes["regime"].Value.GetString().ShouldBe(rows[i]["logreg_label"], $"Machine{i}");
            entity.Attributes["regime"].GetMetadata("model")!.Value.GetString().ShouldBe("regimes-logreg.onnx");
            entity.Attributes["regime"].GetMetadata("predictedAt").ShouldNotBeNull();
            var probabilities = entity.Attributes["regime_probabilities"].Value;
            foreach (var label in new[] { "idle", "overload", "working" })
            {
                probabilities.TryGetProperty(label, out var p).ShouldBeTrue();
                p.GetNumber().ShouldBe(Number(rows[i], $"logreg_p_{label}"), 1e-5, $"Machine{i} {label}");
            }
        }

        runner.Counters.Snapshot().Predictions.ShouldBeGreaterThanOrEqualTo(rows.Count);
    }

    [Fact]
    public async Task WindowedJob_embeddedBroker_writesEachCompleteMinute()
    {
        using var plan = JobPlan.Resolve(JobFile.Load(TestPaths.InRepository("samples", "jobs", "windowed-temperature.yaml")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { EmbeddedBrokerPort = 0, ReceiverPort = 0 });
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = runner.BrokerAddress });

        // Two sensors, readings every 20 s of event time over three minutes; the first reading of minute 3 closes minute 2.
        var start = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var expected = new Dictionary<(string Sensor, int Minute), List<double>>();
        for (var step = 0; step <= 6; step++)
        {
            foreach (var sensor in new[] { "S1", "S2" })
            {
                var t = start.AddSeconds(20 * step);
                var value = (sensor == "S1" ? 20 : 30) + step * 0.5;
                if (step < 6)
                {
                    var minute = step / 3;
                    (expected.TryGetValue((sensor, minute), out var list) ? list : expected[(sensor, minute)] = []).Add(value);
                }

                await client.UpsertEntityAsync(new NgsiV2Entity(sensor, "TemperatureSensor", new NgsiV2AttributeCollection(
                [
                    new NgsiV2Attribute("temperature", NgsiValue.FromNumber(value), "Number"),
                    new NgsiV2Attribute("dateObserved", NgsiValue.FromDateTime(t), "DateTime"),
                ])));

                // Each reading is its own notification: wait until the job saw it before the next changes the entity.
                var seen = 2 * step + (sensor == "S1" ? 1 : 2);
                await Until(() => runner.Counters.Snapshot().Events >= seen, $"the job to see {seen} updates");
            }
        }

        foreach (var sensor in new[] { "S1", "S2" })
        {
            var summary = await WaitForAsync(client, $"TemperatureSummary:{sensor}", "meanTemperature",
                e => e.Attributes["meanTemperature"].GetMetadata("windowStart")!.Value.GetString() == NgsiValue.FromDateTime(start.AddMinutes(1)).GetString());
            var values = expected[(sensor, 1)];
            summary.Type.ShouldBe("TemperatureSummary");
            summary.GetNumber("readings").ShouldBe(values.Count);
            summary.GetNumber("meanTemperature").ShouldBe(values.Average(), 1e-9);
            summary.GetNumber("minTemperature").ShouldBe(values.Min());
            summary.GetNumber("maxTemperature").ShouldBe(values.Max());
            summary.Attributes["readings"].GetMetadata("windowEnd")!.Value.GetString().ShouldBe(NgsiValue.FromDateTime(start.AddMinutes(2)).GetString());
        }

        runner.Counters.Snapshot().Skipped.ShouldBe(0);
    }

    [Fact]
    public async Task EdgeDevicesJob_textReadings_areCastSplitAndFilteredBeforeTheWindow()
    {
        using var plan = JobPlan.Resolve(JobFile.Load(TestPaths.InRepository("samples", "jobs", "edge-devices.yaml")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { EmbeddedBrokerPort = 0, ReceiverPort = 0 });
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = runner.BrokerAddress });

        // One device, a reading every 20 s of its clock; minute 0 holds a broken reading (ERR) and an impossible one.
        var start = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);
        var readings = new (int Second, string Temperature, double AccelZ)[]
        {
            (0, "20.5", 0.09), (20, "ERR", 0.5), (30, "150", 0.7), (40, "21.5", 0.11), (60, "22.0", 0.2), (80, "23.0", 0.3), (120, "24.0", 0.1),
        };
        var seen = 0;
        foreach (var (second, temperature, accelZ) in readings)
        {
            await client.UpsertEntityAsync(new NgsiV2Entity("rpi-1", "Device", new NgsiV2AttributeCollection(
            [
                new NgsiV2Attribute("bme680_tempc", NgsiValue.FromString(temperature), "Text"),
                new NgsiV2Attribute("lsm303d_accelerometer", NgsiValue.FromString($"+00.05g : -01.00g : {(accelZ < 0 ? "-" : "+")}{Math.Abs(accelZ).ToString("00.00", System.Globalization.CultureInfo.InvariantCulture)}g"), "Text"),
                new NgsiV2Attribute("systemtime", NgsiValue.FromString(start.AddSeconds(second).ToString("MM/dd/yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)), "Text"),
            ])));
            seen++;
            var expected = seen;
            await Until(() => runner.Counters.Snapshot().Events >= expected, $"the job to see {expected} updates");
            if (second == 60)
            {
                // The reading at 60 s closed minute 0: two valid readings, the broken and the impossible one left out.
                var minute0 = await WaitForAsync(client, "DeviceSummary:rpi-1", "meanTemperature",
                    e => e.Attributes["readings"].GetMetadata("windowStart")!.Value.GetString() == NgsiValue.FromDateTime(new DateTimeOffset(start)).GetString());
                minute0.GetNumber("readings").ShouldBe(2);
                minute0.GetNumber("meanTemperature").ShouldBe(21.0, 1e-9);
                minute0.GetNumber("maxAccelZ").ShouldBe(0.11, 1e-9);
            }
        }

        var minute1 = await WaitForAsync(client, "DeviceSummary:rpi-1", "meanTemperature",
            e => e.Attributes["readings"].GetMetadata("windowStart")!.Value.GetString() == NgsiValue.FromDateTime(new DateTimeOffset(start.AddMinutes(1))).GetString());
        minute1.GetNumber("readings").ShouldBe(2);
        minute1.GetNumber("meanTemperature").ShouldBe(22.5, 1e-9);
        minute1.GetNumber("maxAccelZ").ShouldBe(0.3, 1e-9);
        var counts = runner.Counters.Snapshot();
        counts.Skipped.ShouldBe(1);
        counts.Errors.ShouldBe(1);
    }

    private static async Task RunConcreteAsync(BrokerOptions brokerOptions, int rows)
    {
        await using var broker = await ContextBroker.StartAsync(brokerOptions);
        using var plan = JobPlan.Resolve(JobFile.Load(TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { Broker = broker.BaseAddress, ReceiverPort = 0 });
        var fiware = new FiwareContext("tutorial", "/pyspark", null);
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = broker.BaseAddress, Fiware = fiware });
        var data = Csv(TestPaths.InRepository("models", "concrete-rf150.expected.csv")).Take(rows).ToList();
        string[] inputs = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age", "strength"];
        for (var i = 0; i < data.Count; i++)
        {
            var row = data[i];
            await client.UpsertEntityAsync(new NgsiV2Entity($"Concrete{i + 1}", "Material", new NgsiV2AttributeCollection(
                inputs.Select(name => new NgsiV2Attribute(name, NgsiValue.FromNumber(Number(row, name)), "Number")))));
        }

        for (var i = 0; i < data.Count; i++)
        {
            var entity = await WaitForAsync(client, $"Concrete{i + 1}", "prediction_error");
            var predicted = entity.GetNumber("predicted_strength");
            predicted.ShouldBe(Number(data[i], "predicted_strength"), 1e-5, $"Concrete{i + 1}");
            entity.GetNumber("prediction_error").ShouldBe(Math.Abs(predicted - Number(data[i], "strength")), 1e-9);
            entity.Attributes["predicted_strength"].GetMetadata("model")!.Value.GetString().ShouldBe("concrete-rf150.onnx");
        }

        // Writing the outputs back notified nobody: one event per entity.
        runner.Counters.Snapshot().Events.ShouldBe(data.Count);
        runner.WriteBacks.DeadLettered.ShouldBe(0);
    }

    private static async Task<NgsiV2Entity> WaitForAsync(NgsiV2Client client, string id, string attribute, Func<NgsiV2Entity, bool>? done = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var entity = await client.TryGetEntityAsync(id);
            if (entity is not null && entity.Attributes.Contains(attribute) && (done is null || done(entity)))
            {
                return entity;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{id} has no '{attribute}' after {Patience.TotalSeconds} s: {entity}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
            }

            await Task.Delay(10);
        }
    }

    private static double Number(Dictionary<string, string> row, string name) => double.Parse(row[name], CultureInfo.InvariantCulture);

    private static IEnumerable<Dictionary<string, string>> Csv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            yield return header.Select((h, i) => (h, cells[i])).ToDictionary(x => x.h, x => x.Item2);
        }
    }
}
