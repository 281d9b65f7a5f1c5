using System.Net;
using System.Net.Sockets;

namespace NgsiFlow.Broker.Tests;

public sealed class BrokerOptionsTests
{
    [Fact]
    public void Validate_defaults_pass()
    {
        Should.NotThrow(() => new BrokerOptions().Validate());
    }

    [Fact]
    public void Validate_every_bad_value_is_named_in_one_error()
    {
        var options = new BrokerOptions
        {
            Port = -1,
            Store = BrokerStoreKind.Postgres,
            MaxPayloadBytes = 10,
            NotificationQueueCapacity = 0,
            NotificationSendersPerSubscription = 0,
            MaxConcurrentNotifications = 0,
            NotificationTimeout = TimeSpan.Zero,
        };

        var error = Should.Throw<ArgumentException>(options.Validate);

        error.Message.ShouldContain("BrokerOptions.Port must be between 0 and 65535 (was -1).");
        error.Message.ShouldContain("BrokerOptions.PostgresConnectionString is required when Store is Postgres.");
        error.Message.ShouldContain("BrokerOptions.MaxPayloadBytes must be at least 1024 (was 10).");
        error.Message.ShouldContain("BrokerOptions.NotificationQueueCapacity must be at least 1 (was 0).");
        error.Message.ShouldContain("BrokerOptions.NotificationSendersPerSubscription");
        error.Message.ShouldContain("BrokerOptions.MaxConcurrentNotifications");
        error.Message.ShouldContain("BrokerOptions.NotificationTimeout");
    }

    [Fact]
    public void Validate_malformed_connection_string_is_reported()
    {
        var options = new BrokerOptions { Store = BrokerStoreKind.Postgres, PostgresConnectionString = "this is not=valid;;=" };

        Should.Throw<ArgumentException>(options.Validate).Message.ShouldContain("BrokerOptions.PostgresConnectionString is not a valid connection string");
    }

    [Fact]
    public async Task StartAsync_port_in_use_throws_clear_error()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var error = await Should.ThrowAsync<InvalidOperationException>(() => ContextBroker.StartAsync(new BrokerOptions { Port = port }));

        error.Message.ShouldContain($"Cannot listen on 127.0.0.1:{port}: the port is already in use");
    }

    [Fact]
    public async Task StartAsync_port_zero_reports_the_chosen_port_in_base_address()
    {
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
        using var client = new HttpClient { BaseAddress = broker.BaseAddress };

        broker.BaseAddress.Host.ShouldBe("127.0.0.1");
        broker.BaseAddress.Port.ShouldBeGreaterThan(0);
        (await client.GetAsync("version")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
