using System.Text;
using System.Text.Json;
using NgsiFlow.Broker;
using NgsiFlow.IntegrationTests.Demo;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests;

/// <summary>
/// QoS 1 end to end across a crash: the embedded broker publishes every update of an entity on mosquitto, and
/// <c>ngsiflow receive</c> in a child process writes each event before it acknowledges it. The child is killed with
/// SIGKILL in the middle of the stream and started again with the same client id: every update reaches the job at
/// least once, and the duplicates the redelivery causes are counted.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class MqttRedeliveryTests(MosquittoFixture mosquitto)
{
    private const int Updates = 300;

    [Fact]
    public async Task Receiver_killed_before_acknowledging_loses_no_update_after_it_comes_back()
    {
        var directory = Directory.CreateTempSubdirectory("ngsiflow-mqtt-kill-").FullName;
        var output = Path.Combine(directory, "events.jsonl");
        var clientId = "kill-" + Guid.NewGuid().ToString("N")[..8];
        string[] arguments = [DemoProcess.CommandPath, "receive", "--mqtt", mosquitto.Uri.AbsoluteUri.TrimEnd('/'), "--client-id", clientId, "--job", "counter", "--output", output];
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        var child = ServerProcess.Start("dotnet", arguments, Path.Combine(directory, "receive-1.log"));
        try
        {
            await Eventually(() => child.Tail().Contains("receiving on", StringComparison.Ordinal), "the receiver to connect", child);
            await PostAsync(http, "v2/entities", """{"id":"C1","type":"Counter","n":{"type":"Number","value":0}}""");
            await PostAsync(http, "v2/subscriptions", $$$"""{"subject":{"entities":[{"id":"C1","type":"Counter"}],"condition":{"attrs":["n"]}},"notification":{"mqtt":{"url":"{{{mosquitto.Uri.AbsoluteUri.TrimEnd('/')}}}","topic":"ngsiflow/counter","qos":1},"attrs":["n"],"attrsFormat":"keyValues"}}""");

            // Half the updates while it runs; kill it as soon as part of them is through, with messages in flight.
            for (var n = 1; n <= Updates / 2; n++)
            {
                await PatchAsync(http, n);
            }

            await Eventually(() => Seen(output).Count >= 20, "some events", child);
            child.Kill();
            child.Dispose();

            // The other half while it is down: mosquitto queues them in the persistent session.
            for (var n = (Updates / 2) + 1; n <= Updates; n++)
            {
                await PatchAsync(http, n);
            }

            (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            broker.NotificationsFailed.ShouldBe(0);
            child = ServerProcess.Start("dotnet", arguments, Path.Combine(directory, "receive-2.log"));
            await Eventually(() => Enumerable.Range(1, Updates).All(Seen(output).Contains), "every update", child, TimeSpan.FromSeconds(60));

            var lines = Seen(output);
            var duplicates = lines.Count - lines.Distinct().Count();
            Console.WriteLine($"updates {Updates}, events written {lines.Count}, distinct {lines.Distinct().Count()}, duplicates {duplicates}");
            lines.Distinct().Count(n => n >= 1).ShouldBe(Updates);
            duplicates.ShouldBeGreaterThanOrEqualTo(0);
        }
        finally
        {
            child.Dispose();
            ServerProcess.DeleteDirectory(directory);
        }
    }

    private static List<int> Seen(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var result = new List<int>();
        while (reader.ReadLine() is { } line)
        {
            // A line cut by the kill is incomplete JSON: it was never acknowledged and comes again.
            try
            {
                using var doc = JsonDocument.Parse(line);
                result.Add(doc.RootElement.GetProperty("n").GetInt32());
            }
            catch (JsonException)
            {
            }
        }

        return result;
    }

    private static async Task PostAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    private static async Task PatchAsync(HttpClient http, int n)
    {
        using var content = new StringContent($$$"""{"n":{"type":"Number","value":{{{n}}}}}""", Encoding.UTF8, "application/json");
        using var response = await http.PatchAsync("v2/entities/C1/attrs", content);
        response.IsSuccessStatusCode.ShouldBeTrue();
    }

    private static async Task Eventually(Func<bool> condition, string what, ServerProcess child, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || child.HasExited)
            {
                throw new TimeoutException($"Waiting for {what}; the receiver's log:\n{child.Tail()}");
            }

            await Task.Delay(20);
        }
    }
}
