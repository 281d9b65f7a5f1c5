using System.Net;
using NgsiFlow.Testing;

namespace NgsiFlow.Broker.Tests;

/// <summary>Slow and abusive clients against the broker's connection limits.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task Broker_two_hundred_slowloris_connections_normal_requests_still_served_and_slow_ones_closed()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, RequestHeadersTimeout = TimeSpan.FromSeconds(2) });
        await using var slow = await SlowClients.OpenAsync(broker.BaseAddress.Port, 200, TimeSpan.FromMilliseconds(500));
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };

        for (var i = 0; i < 50; i++)
        {
            using var response = await http.GetAsync("version");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (slow.ClosedByServer < slow.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        slow.ClosedByServer.ShouldBe(slow.Count);
    }

    [Fact]
    public async Task Broker_max_requests_per_connection_third_answer_says_close()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, MaxRequestsPerConnection = 3 });
        using var http = new HttpClient { BaseAddress = broker.BaseAddress };
        var closes = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("version");
            closes.Add(response.Headers.ConnectionClose == true);
        }

        closes.ShouldBe([false, false, true]);
    }

    [Fact]
    public void Validate_bad_limits_each_named()
    {
        var e = Should.Throw<ArgumentException>(new BrokerOptions { MaxConcurrentConnections = 0, MaxRequestsPerConnection = -2 }.Validate);
        e.Message.ShouldContain("BrokerOptions.MaxConcurrentConnections must be between 1 and 1000000 (was 0)");
        e.Message.ShouldContain("BrokerOptions.MaxRequestsPerConnection must not be negative (was -2)");
    }
}
