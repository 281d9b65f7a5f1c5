using System.Diagnostics;
using NgsiFlow.Client;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Jobs.Tests;

/// <summary>The write-back modes and a window keyed by an attribute, each run against the embedded broker.</summary>
public sealed class WriteBackModeTests
{
    private const string Concrete = """
        broker:
          url: embedded
        subscribe:
          entities:
            - type: Material
        features: auto
        model:
          path: concrete-rf150.onnx
          engine: ENGINE

        """;

    private static readonly string[] Inputs = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"];

    [Theory]
    [InlineData("managed")]
    [InlineData("onnxruntime")]
    public async Task Template_upsertsTheRenderedEntity_withTheValueAsANumber(string engine)
    {
        var text = "name: template\n" + Concrete.Replace("ENGINE", engine, StringComparison.Ordinal) + """
            outputs:
              - attribute: predicted_strength
            writeBack:
              mode: template
              template:
                id: "Prediction:${id}"
                type: StrengthPrediction
                material: { type: Relationship, value: "${id}" }
                strength: { type: Number, value: "${predicted_strength}" }
                label: { type: Text, value: "mix ${id} at age ${age}" }
            """;
        await using var job = await StartAsync(text);
        await job.Client.UpsertEntityAsync(Material("Concrete7", 28));

        var prediction = await WaitForAsync(job.Client, "Prediction:Concrete7", "strength");
        prediction.Type.ShouldBe("StrengthPrediction");
        prediction.Attributes["material"].Type.ShouldBe("Relationship");
        prediction.Attributes["material"].Value.GetString().ShouldBe("Concrete7");
        prediction.GetNumber("strength").ShouldBe(job.Plan.Model!.Predict(Row(28)).Value, 1e-9);
        prediction.Attributes["label"].Value.GetString().ShouldBe("mix Concrete7 at age 28");
        job.Runner.Plan.Model!.Engine.ToString().ShouldBe(engine == "managed" ? "Managed" : "OnnxRuntime");
        (await job.Client.GetEntityAsync("Concrete7")).Attributes.Contains("predicted_strength").ShouldBeFalse();
    }

    [Fact]
    public async Task Patch_updatesExistingAttributes_andCountsTheRefusedOnes()
    {
        var text = "name: patch\n" + Concrete.Replace("ENGINE", "auto", StringComparison.Ordinal) + """
            outputs:
              - attribute: predicted_strength
            writeBack:
              mode: patch
            """;
        await using var job = await StartAsync(text);
        var material = Material("Concrete1", 28);
        await job.Client.UpsertEntityAsync(new NgsiV2Entity("Concrete1", "Material", new NgsiV2AttributeCollection(
            [.. material.Attributes, new NgsiV2Attribute("predicted_strength", NgsiValue.FromNumber(-1), "Number")])));
        await job.Client.UpsertEntityAsync(Material("Concrete2", 28));

        var patched = await WaitForAsync(job.Client, "Concrete1", "predicted_strength", e => e.GetNumber("predicted_strength") > 0);
        patched.GetNumber("predicted_strength").ShouldBe(job.Plan.Model!.Predict(Row(28)).Value, 1e-9);
        await Until(() => job.Runner.WriteBacks.DeadLettered == 1, "the PATCH of Concrete2 (no such attribute) to be refused and counted");
        (await job.Client.GetEntityAsync("Concrete2")).Attributes.Contains("predicted_strength").ShouldBeFalse();
    }

    [Fact]
    public async Task WindowKeyedByAttribute_upsertsOneSummaryPerKey_onEveryUpdate()
    {
        var text = """
            name: lines
            broker: { url: embedded }
            subscribe:
              entities: [{ type: Sensor }]
              conditionAttributes: [power]
            window:
              kind: tumbling
              size: 1h
              time: notification
              key: line
              aggregates:
                - { name: n, op: count }
                - { name: total, op: sum, attribute: power }
            outputs:
              - { attribute: updates, aggregate: n }
              - { attribute: totalPower, aggregate: total }
            writeBack:
              mode: upsert
              entityId: "Line:${key}"
              entityType: ProductionLine
            """;
        await using var job = await StartAsync(text);
        var sensors = new[] { ("S1", "A", 10.0), ("S2", "A", 5.0), ("S3", "B", 7.0) };
        var seen = 0;
        foreach (var (id, line, power) in sensors)
        {
            await job.Client.UpsertEntityAsync(new NgsiV2Entity(id, "Sensor", new NgsiV2AttributeCollection(
            [
                new NgsiV2Attribute("line", NgsiValue.FromString(line), "Text"),
                new NgsiV2Attribute("power", NgsiValue.FromNumber(power), "Number"),
            ])));
            seen++;
            await Until(() => job.Runner.Counters.Snapshot().Events >= seen, $"update {seen}");
        }

        // A window opened near the hour's end could split the updates; both lines' totals still add up.
        var a = await WaitForAsync(job.Client, "Line:A", "totalPower", e => e.GetNumber("updates") >= 1);
        var b = await WaitForAsync(job.Client, "Line:B", "totalPower");
        a.Type.ShouldBe("ProductionLine");
        b.GetNumber("totalPower").ShouldBe(7);
        b.GetNumber("updates").ShouldBe(1);
        if (a.GetNumber("updates") == 2)
        {
            a.GetNumber("totalPower").ShouldBe(15);
        }
        else
        {
            a.GetNumber("totalPower").ShouldBe(5);
        }
    }

    private static async Task<RunningJob> StartAsync(string text)
    {
        var plan = JobPlan.Resolve(JobFile.Parse(text, "job.yaml", TestPaths.InRepository("models")));
        var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { EmbeddedBrokerPort = 0, ReceiverPort = 0 });
        return new RunningJob(plan, runner, new NgsiV2Client(new NgsiClientOptions { BaseAddress = runner.BrokerAddress }));
    }

    private static NgsiV2Entity Material(string id, double age) => new(id, "Material", new NgsiV2AttributeCollection(
        Inputs.Select((name, i) => new NgsiV2Attribute(name, NgsiValue.FromNumber(Row(age)[i]), "Number"))));

    private static double[] Row(double age) => [300, 50, 0, 180, 5, 1000, 750, age];

    private static async Task<NgsiV2Entity> WaitForAsync(NgsiV2Client client, string id, string attribute, Func<NgsiV2Entity, bool>? done = null)
    {
        NgsiV2Entity? entity = null;
        await Until(() =>
        {
            entity = client.TryGetEntityAsync(id).GetAwaiter().GetResult();
            return entity is not null && entity.Attributes.Contains(attribute) && (done is null || done(entity));
        }, $"{id} to have '{attribute}'");
        return entity!;
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"waited 60 s for {what}");
            }

            await Task.Delay(20);
        }
    }

    private sealed record RunningJob(JobPlan Plan, JobRunner Runner, NgsiV2Client Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Runner.DisposeAsync();
            Plan.Dispose();
        }
    }
}
