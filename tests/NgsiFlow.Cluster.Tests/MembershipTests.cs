using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using NgsiFlow.Cli.Commands.Bench.Cluster;
using Xunit.Abstractions;
using static NgsiFlow.Cluster.Tests.ClusterTesting;

namespace NgsiFlow.Cluster.Tests;

/// <summary>Nodes joining and leaving on purpose, and the one subscription the whole cluster shares.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MembershipTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Node_joins_and_another_stops_with_sigterm_mid_stream_no_loss_no_replays()
    {
        // Long enough that a node started after the first tenth is ready well before the end.
        const int entities = 100, updates = 200;
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 3, null, ["--no-subscribe"], CancellationToken.None);
        await rig.CreateEntitiesAsync(entities, "Sensor", CancellationToken.None);
        var load = new NotificationLoad(rig.NotifyUrl, entities, updates, senders: 48);
        var run = load.RunAsync(TimeSpan.FromMinutes(4), CancellationToken.None);

        await WaitUntilAsync(() => Task.FromResult(load.Acknowledged >= entities * updates / 10 || run.IsCompleted), TimeSpan.FromMinutes(2), () => $"{load.Acknowledged} acknowledged");
        var joined = await rig.AddNodeAsync(CancellationToken.None);
        output.WriteLine($"{joined.Name} joined at {load.Acknowledged}");
        run.IsCompleted.ShouldBeFalse("the node must join mid-stream");
        var atJoin = load.Acknowledged;

        await WaitUntilAsync(() => Task.FromResult(load.Acknowledged >= atJoin + (entities * updates / 10) || run.IsCompleted), TimeSpan.FromMinutes(2), () => $"{load.Acknowledged} acknowledged");
        var leaving = rig.Nodes[0];
        leaving.Signal("TERM");
        output.WriteLine($"{leaving.Name} stopped at {load.Acknowledged}");
        run.IsCompleted.ShouldBeFalse("the node must leave mid-stream");
        (await leaving.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, leaving.Errors);

        await run;
        await ShouldAllBeCountedOnceAsync(rig, load);

        var running = await rig.StatisticsAsync(CancellationToken.None);
        var stopped = leaving.LastReport().ShouldNotBeNull("the stopped node prints its final statistics");
        output.WriteLine($"applied: {string.Join(", ", running.Select(s => $"{s.Node.Name} {s.Statistics.Applied}"))}, {leaving.Name} {stopped.Applied}; 503: {load.Unavailable}, no answer: {load.NoAnswer}");
        running.Count.ShouldBe(3);
        running.Single(s => s.Node == joined).Statistics.Applied.ShouldBeGreaterThan(0, "the new node took keys");
        (running.Sum(s => s.Statistics.Replays) + stopped.Replays).ShouldBe(0, "a graceful hand-over sends every stored write-back before it goes\n"
            + string.Join("\n", rig.Nodes.SelectMany(n => n.Errors.Split('\n').Where(l => l.Contains("NgsiFlow.Cluster[", StringComparison.Ordinal)).Take(10).Select(l => n.Name + ": " + l))));
    }

    [Fact]
    public async Task Cluster_of_three_makes_one_subscription_and_serves_the_brokers_notifications_end_to_end()
    {
        await using var rig = await ClusterRig.StartAsync(CliPath, "running-sum", 3, null, [], CancellationToken.None);
        await WaitUntilAsync(async () =>
        {
            var seen = new List<string>();
            foreach (var node in rig.Nodes)
            {
                seen.AddRange((await node.StatusAsync(rig.Http, CancellationToken.None))?.Subscriptions ?? []);
            }

            return seen.Count == 3 && seen.Distinct().Count() == 1;
        }, TimeSpan.FromSeconds(30), () => "all three nodes to report the same one subscription");
        var subscriptions = await NgsiFlowSubscriptionsAsync(rig);
        subscriptions.Count.ShouldBe(1);
        subscriptions[0].GetProperty("notification").GetProperty("http").GetProperty("url").GetString().ShouldBe(new Uri(rig.NotifyUrl + "/sensors").AbsoluteUri);

        // Updates made on the broker reach a node through nginx and come back written.
        using var http = new HttpClient { BaseAddress = rig.Broker.BaseAddress };
        (await http.PostAsJsonAsync("v2/entities", new { id = "E1", type = "Sensor", value = new { type = "Number", value = 1 }, seq = new { type = "Number", value = 1 } })).EnsureSuccessStatusCode();
        for (var seq = 2; seq <= 10; seq++)
        {
            (await http.PatchAsJsonAsync("v2/entities/E1/attrs", new { value = new { type = "Number", value = seq }, seq = new { type = "Number", value = seq } })).EnsureSuccessStatusCode();
        }

        await WaitUntilAsync(async () => Number(await http.GetFromJsonAsync<JsonElement>("v2/entities/E1?options=keyValues"), "sumCount") == 10, TimeSpan.FromSeconds(30), () => "sumCount 10 on E1");
        Number(await http.GetFromJsonAsync<JsonElement>("v2/entities/E1?options=keyValues"), "sumValue").ShouldBe(55);

        // Bad requests get Orion-style 4xx answers, through the load balancer as on a node.
        var first = rig.Nodes[0].BaseAddress;
        await ExpectErrorAsync(await rig.Http.GetAsync(new Uri(first, "cluster/keys/nope/E1")), 404, "NotFound", "no job named 'nope'");
        await ExpectErrorAsync(await rig.Http.GetAsync(new Uri(first, "elsewhere")), 404, "NotFound", "no endpoint at '/elsewhere'");
        await ExpectErrorAsync(await rig.Http.PostAsync(rig.NotifyUrl, new StringContent("{\"data\":[{\"id\":", System.Text.Encoding.UTF8, "application/json")), 400, "BadRequest", null);
        var state = await rig.Http.GetFromJsonAsync<JsonElement>(new Uri(first, "cluster/keys/running-sum/E1"));
        state.GetProperty("state").GetProperty("count").GetInt64().ShouldBe(10);

        // Each node serves its live page.
        var ready = rig.Nodes[0].Lines.First(l => l.StartsWith("node ready", StringComparison.Ordinal));
        var page = new Uri(ready[(ready.IndexOf("dashboard ", StringComparison.Ordinal) + "dashboard ".Length)..]);
        using (var html = await rig.Http.GetAsync(page))
        {
            html.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            html.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        }

        // Stopping every node leaves the subscription; `ngsiflow subscriptions delete` removes it.
        foreach (var node in rig.Nodes)
        {
            node.Signal("TERM");
        }

        foreach (var node in rig.Nodes)
        {
            (await node.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(0, node.Errors);
        }

        (await NgsiFlowSubscriptionsAsync(rig)).Count.ShouldBe(1);
        var (code, text) = await RunCliAsync("subscriptions", "delete", "--job", "running-sum", "--broker", rig.Broker.BaseAddress.AbsoluteUri);
        code.ShouldBe(0, text);
        text.ShouldContain("1 subscription(s) deleted");
        (await NgsiFlowSubscriptionsAsync(rig)).ShouldBeEmpty();
    }

    private static async Task ExpectErrorAsync(HttpResponseMessage response, int status, string error, string? description)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBe(status, body);
            var json = JsonDocument.Parse(body).RootElement;
            json.GetProperty("error").GetString().ShouldBe(error, body);
            if (description is not null)
            {
                json.GetProperty("description").GetString()!.ShouldContain(description);
            }
        }
    }

    private static async Task<List<JsonElement>> NgsiFlowSubscriptionsAsync(ClusterRig rig)
    {
        var all = await rig.Http.GetFromJsonAsync<JsonElement[]>(new Uri(rig.Broker.BaseAddress, "v2/subscriptions"));
        return [.. all!.Where(s => s.TryGetProperty("description", out var d) && d.GetString()!.StartsWith("NgsiFlow running-sum/", StringComparison.Ordinal))];
    }

    private static async Task<(int Code, string Output)> RunCliAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliPath);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
