using System.Net;
using System.Text.Json;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests;

/// <summary>The broker's /health/live and /health/ready; ready follows the store.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_memory_store_live_and_ready()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        (await StatusAsync(http, "live")).Status.ShouldBe(HttpStatusCode.OK);
        var (status, body) = await StatusAsync(http, "ready");
        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("checks").GetProperty("store").GetProperty("status").GetString().ShouldBe("Healthy");
    }

    [Fact]
    public async Task Health_postgres_gone_ready_503_naming_the_store_live_still_200()
    {
        var postgres = await PostgresServer.StartAsync();
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, Store = BrokerStoreKind.Postgres, PostgresConnectionString = postgres.ConnectionString.Replace("Timeout=15", "Timeout=2", StringComparison.Ordinal) });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        (await StatusAsync(http, "ready")).Status.ShouldBe(HttpStatusCode.OK);

        await postgres.DisposeAsync();
        var (status, body) = await StatusAsync(http, "ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("checks").GetProperty("store").GetProperty("description").GetString()!.ShouldStartWith("PostgreSQL does not answer");
        (await StatusAsync(http, "live")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> StatusAsync(HttpClient http, string which)
    {
        using var response = await http.GetAsync("health/" + which);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
