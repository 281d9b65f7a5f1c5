using Microsoft.AspNetCore.Http;
using System.Net;
using NgsiFlow.Client.Tests.Infrastructure;
using NgsiFlow.Ngsi;
using NgsiFlow.Testing;

namespace NgsiFlow.Client.Tests;

/// <summary>Retries, timeouts and metrics; alone in its collection so the process-wide meter counts only these calls.</summary>
[Collection(ResilienceCollection.Name)]
public sealed class ResilienceTests(BrokerFixture fixture)
{
    private NgsiClientOptions Options(int maxRetries = 3, bool retryNonIdempotent = false) => new()
    {
        BaseAddress = fixture.BaseAddress,
        Fiware = new FiwareContext("retry", "/", null),
        Retry = new NgsiRetryOptions { MaxRetries = maxRetries, BaseDelay = TimeSpan.FromMilliseconds(2), MaxDelay = TimeSpan.FromMilliseconds(20), RetryNonIdempotent = retryNonIdempotent },
    };

    [Fact]
    public async Task UpsertEntityAsync_after_two_503_answers_succeeds_on_the_third_attempt_and_counts_two_retries()
    {
        using var metrics = new MetricsRecorder();
        using var failing = new FailFirstHandler(2);
        using var client = new NgsiV2Client(Options(), failing);

        var created = await client.UpsertEntityAsync(V2EntityTests.Room("urn:R:1", 1));

        created.ShouldBeTrue();
        failing.Attempts.ShouldBe(3);
        (await client.GetEntityAsync("urn:R:1")).GetNumber("temperature").ShouldBe(1);
        metrics.Sum("ngsiflow.client.retries").ShouldBe(2);
        metrics.Sum("ngsiflow.client.requests").ShouldBe(2);
        metrics.Count("ngsiflow.client.request.duration").ShouldBe(2);
        metrics.Sum("ngsiflow.client.failures").ShouldBe(0);
    }

    [Fact]
    public async Task Retries_that_run_out_throw_the_last_answer_and_count_a_failure()
    {
        using var metrics = new MetricsRecorder();
        using var failing = new FailFirstHandler(100);
        using var client = new NgsiV2Client(Options(maxRetries: 2), failing);

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetEntityAsync("urn:R:x"));

        failing.Attempts.ShouldBe(3);
        error.StatusCode.ShouldBe(503);
        error.Error.ShouldBe("ServiceUnavailable");
        error.Description.ShouldBe("broker overloaded");
        error.IsTransient.ShouldBeTrue();
        metrics.Sum("ngsiflow.client.failures").ShouldBe(1);
        metrics.Sum("ngsiflow.client.retries").ShouldBe(2);
    }

    [Fact]
    public async Task CreateEntityAsync_is_not_retried_unless_the_caller_allows_it()
    {
        using var once = new FailFirstHandler(1);
        using var strict = new NgsiV2Client(Options(), once);
        using var again = new FailFirstHandler(1);
        using var lenient = new NgsiV2Client(Options(retryNonIdempotent: true), again);

        (await Should.ThrowAsync<NgsiClientException>(() => strict.CreateEntityAsync(V2EntityTests.Room("urn:R:c1", 1)))).StatusCode.ShouldBe(503);
        await lenient.CreateEntityAsync(V2EntityTests.Room("urn:R:c2", 1));

        once.Attempts.ShouldBe(1);
        again.Attempts.ShouldBe(2);
        (await lenient.TryGetEntityAsync("urn:R:c1")).ShouldBeNull();
        (await lenient.GetEntityAsync("urn:R:c2")).Id.ShouldBe("urn:R:c2");
    }

    [Fact]
    public async Task Subscription_creation_and_appendStrict_are_not_retried_but_batch_append_is()
    {
        using var subs = new FailFirstHandler(1);
        using var subClient = new NgsiV2Client(Options(), subs);
        using var strict = new FailFirstHandler(1);
        using var strictClient = new NgsiV2Client(Options(), strict);
        using var append = new FailFirstHandler(1);
        using var appendClient = new NgsiV2Client(Options(), append);
        var subscription = new NgsiV2Subscription
        {
            Subject = new NgsiV2SubscriptionSubject { Entities = [NgsiV2EntitySelector.ByPattern()] },
            Notification = new NgsiV2SubscriptionNotification { Http = new NgsiV2HttpNotification("http://127.0.0.1:9/n") },
        };

        await Should.ThrowAsync<NgsiClientException>(() => subClient.CreateSubscriptionAsync(subscription));
        await Should.ThrowAsync<NgsiClientException>(() => strictClient.BatchUpdateAsync(NgsiV2BatchAction.AppendStrict, [V2EntityTests.Room("urn:R:b1", 1)]));
        await appendClient.BatchUpdateAsync(NgsiV2BatchAction.Append, [V2EntityTests.Room("urn:R:b2", 1)]);

        subs.Attempts.ShouldBe(1);
        strict.Attempts.ShouldBe(1);
        append.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_retried()
    {
        using var limited = new FailFirstHandler(1, HttpStatusCode.TooManyRequests, retryAfter: "0");
        using var client = new NgsiV2Client(Options(), limited);

        await client.UpdateAttributesAsync("urn:R:429", [new NgsiV2Attribute("temperature", 2, "Number")]).ShouldThrowAsync<NgsiClientException>();

        // The retry reached the broker, which answered 404 for the missing entity: a client error, not retried.
        limited.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task A_4xx_answer_is_not_retried()
    {
        using var counting = new FailFirstHandler(0);
        using var client = new NgsiV2Client(Options(), counting);

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetEntityAsync("urn:R:none"));

        error.StatusCode.ShouldBe(404);
        counting.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task A_slow_first_answer_times_out_and_the_retry_succeeds()
    {
        var calls = 0;
        await using var server = await TestServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { });
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"orion":{"version":"3.10.1","uptime":"0 d"}}""");
        });
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = server.BaseAddress,
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            Retry = new NgsiRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        });

        var version = await client.GetVersionAsync();

        version.Version.ShouldBe("3.10.1");
        calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_body_that_stalls_after_the_headers_times_out_and_the_retry_succeeds()
    {
        // A raw socket server, so the first answer really is headers plus part of the body, then silence.
        const string Body = """{"orion":{"version":"3.10.1","uptime":"0 d"}}""";
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var calls = 0;
        var serving = Task.Run(async () =>
        {
            var held = new List<System.Net.Sockets.TcpClient>();
            try
            {
                while (true)
                {
                    var connection = await listener.AcceptTcpClientAsync(stop.Token);
                    held.Add(connection);
                    _ = Task.Run(async () =>
                    {
                        var stream = connection.GetStream();
                        var buffer = new byte[4096];
                        var request = string.Empty;
                        while (!request.Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var read = await stream.ReadAsync(buffer, stop.Token);
                            request += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                        }

                        var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\n\r\n";
                        var first = Interlocked.Increment(ref calls) == 1;
                        var payload = System.Text.Encoding.ASCII.GetBytes(head + (first ? Body[..10] : Body));
                        await stream.WriteAsync(payload, stop.Token);
                        await stream.FlushAsync(stop.Token);
                    });
                }
            }
            catch (OperationCanceledException)
            {
                held.ForEach(c => c.Dispose());
            }
        });
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"),
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            Retry = new NgsiRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        });

        var version = await client.GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await stop.CancelAsync();
        await serving;
        version.Version.ShouldBe("3.10.1");
        calls.ShouldBe(2);
    }

    [Fact]
    public async Task An_answer_that_never_comes_throws_a_timeout_error()
    {
        await using var server = await TestServer.StartAsync(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }));
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = server.BaseAddress,
            RequestTimeout = TimeSpan.FromMilliseconds(200),
            Retry = new NgsiRetryOptions { MaxRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        });

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetVersionAsync());

        error.StatusCode.ShouldBe(0);
        error.Error.ShouldBe("Timeout");
        error.IsTransient.ShouldBeTrue();
    }

    [Fact]
    public async Task A_closed_port_throws_a_connection_error_after_the_retries()
    {
        using var metrics = new MetricsRecorder();
        using var client = new NgsiV2Client(new NgsiClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}/"),
            Retry = new NgsiRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        });

        var error = await Should.ThrowAsync<NgsiClientException>(() => client.GetVersionAsync());

        error.StatusCode.ShouldBe(0);
        error.Error.ShouldBe("ConnectionFailed");
        error.InnerException.ShouldBeOfType<HttpRequestException>();
        metrics.Sum("ngsiflow.client.retries").ShouldBe(2);
    }

    [Fact]
    public async Task Caller_cancellation_is_an_OperationCanceledException_not_a_broker_error()
    {
        await using var server = await TestServer.StartAsync(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }));
        using var client = new NgsiV2Client(new NgsiClientOptions { BaseAddress = server.BaseAddress });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Should.ThrowAsync<OperationCanceledException>(() => client.GetVersionAsync(cancel.Token));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResilienceCollection : ICollectionFixture<BrokerFixture>
{
    public const string Name = "resilience (alone)";
}
