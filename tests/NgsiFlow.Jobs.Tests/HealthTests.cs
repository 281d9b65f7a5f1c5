using System.Diagnostics;
using System.Net;
using NgsiFlow.Broker;
using NgsiFlow.Testing;

namespace NgsiFlow.Jobs.Tests;

/// <summary>A running job's /health/ready follows its broker.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Ready_turns_503_when_the_broker_goes_away_while_live_stays_200()
    {
        var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var plan = JobPlan.Resolve(JobFile.Load(TestPaths.InRepository("samples", "jobs", "concrete-strength.yaml")));
        await using var runner = await JobRunner.StartAsync(plan, new JobRunnerOptions { Broker = broker.BaseAddress, ReceiverPort = 0 });
        using var http = new HttpClient();
        var ready = new Uri(runner.NotifyUrl, "/health/ready");
        using (var answer = await http.GetAsync(ready))
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        }

        await broker.DisposeAsync();

        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        string body;
        do
        {
            using var answer = await http.GetAsync(ready);
            (status, body) = (answer.StatusCode, await answer.Content.ReadAsStringAsync());
            if (status == HttpStatusCode.OK)
            {
                await Task.Delay(50);
            }
        }
        while (status == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(30));

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("does not answer");
        using var live = await http.GetAsync(new Uri(runner.NotifyUrl, "/health/live"));
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
