using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NgsiFlow.Broker.Tests.Infrastructure;

namespace NgsiFlow.Broker.Tests;

/// <summary>Delivery over keep-alive connections to receivers that answer in the various HTTP/1.1 ways.</summary>
public sealed class NotificationDeliveryTests
{
    private static async Task<(WebApplication App, Uri Url, ConcurrentQueue<Seen> Seen)> StartReceiverAsync(Func<HttpContext, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var seen = new ConcurrentQueue<Seen>();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            await reader.ReadToEndAsync();
            seen.Enqueue(new Seen(context.Request.Method, context.Request.QueryString.Value ?? string.Empty, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            await answer(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(new Uri(address), "/n"), seen);
    }

    private static async Task DeliverThreeAsync(Func<HttpContext, Task> answer, int expectedCode)
    {
        var (app, url, _) = await StartReceiverAsync(answer);
        await using (app)
        {
            await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationSendersPerSubscription = 1 });
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T","a":{"value":0}}""");
            var (created, _) = await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"@URL@"}}}""".Replace("@URL@", url.ToString(), StringComparison.Ordinal));
            var id = created.Headers.Location!.ToString().Split('/').Last();
            for (var i = 1; i <= 3; i++)
            {
                await client.SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", "{\"a\":{\"value\":" + i + "}}");
                (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
            }

            var (_, subscription) = await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
            broker.NotificationsSent.ShouldBe(3);
            broker.NotificationsFailed.ShouldBe(0);
            subscription!["notification"]!["lastSuccessCode"]!.GetValue<int>().ShouldBe(expectedCode);
            subscription["notification"]!["timesSent"]!.GetValue<long>().ShouldBe(3);
        }
    }

    [Fact]
    public Task Delivery_chunked_response_body_keeps_connection_usable() =>
        DeliverThreeAsync(async context =>
        {
            context.Response.StatusCode = 202;
            await context.Response.WriteAsync("accepted, with a body of unknown length");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync(" sent in two chunks");
        }, 202);

    [Fact]
    public Task Delivery_receiver_closing_each_connection_still_gets_every_notification() =>
        DeliverThreeAsync(context =>
        {
            context.Response.Headers.Connection = "close";
            context.Response.ContentLength = 2;
            return context.Response.WriteAsync("ok");
        }, 200);

    [Fact]
    public async Task Delivery_many_senders_keep_each_entitys_notifications_in_update_order()
    {
        const int entities = 6;
        const int updates = 60;
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.HandlingTime = () => TimeSpan.FromMilliseconds(Random.Shared.Next(0, 4));
        await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationSendersPerSubscription = 8 });
        using var client = new HttpClient { BaseAddress = broker.BaseAddress };
        for (var e = 0; e < entities; e++)
        {
            await client.SendAsync(HttpMethod.Post, "/v2/entities", "{\"id\":\"E" + e + "\",\"type\":\"T\",\"a\":{\"value\":0}}");
        }

        await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"idPattern":".*"}],"condition":{"attrs":["a"]}},"notification":{"http":{"url":"@URL@"},"attrs":["a"]}}""".Replace("@URL@", receiver.Url.ToString(), StringComparison.Ordinal));

        // Each entity's updates one after the other, the entities side by side: many notifications queue at once.
        await Task.WhenAll(Enumerable.Range(0, entities).Select(async e =>
        {
            for (var i = 1; i <= updates; i++)
            {
                await client.SendAsync(HttpMethod.Patch, "/v2/entities/E" + e + "/attrs", "{\"a\":{\"value\":" + i + "}}");
            }
        }));
        var received = await receiver.WaitForAsync(entities * updates, TimeSpan.FromSeconds(30));

        var byEntity = received.Select(n => System.Text.Json.Nodes.JsonNode.Parse(n.Body)!["data"]![0]!)
            .GroupBy(d => d["id"]!.GetValue<string>(), d => d["a"]!["value"]!.GetValue<double>())
            .ToDictionary(g => g.Key, g => g.ToList());
        byEntity.Count.ShouldBe(entities);
        foreach (var (id, values) in byEntity)
        {
            values.ShouldBe(Enumerable.Range(1, updates).Select(i => (double)i), $"notifications of {id} out of update order");
        }
    }

    [Fact]
    public async Task Delivery_pipelined_burst_to_a_closing_receiver_delivers_every_notification_once()
    {
        var (app, url, seen) = await StartReceiverAsync(context =>
        {
            context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        });
        await using (app)
        {
            await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationSendersPerSubscription = 1, NotificationPipelineDepth = 8 });
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T","a":{"value":0}}""");
            await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"@URL@"}}}""".Replace("@URL@", url.ToString(), StringComparison.Ordinal));

            await Task.WhenAll(Enumerable.Range(1, 50).Select(i => client.SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", "{\"a\":{\"value\":" + i + "}}")));
            (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();

            broker.NotificationsSent.ShouldBe(50);
            broker.NotificationsFailed.ShouldBe(0);
            seen.Count.ShouldBe(50);
            seen.Select(s => s.Headers["Fiware-Correlator"]).Distinct().Count().ShouldBe(50);
        }
    }

    [Fact]
    public async Task Delivery_httpCustom_get_with_templated_header_and_query()
    {
        var (app, url, seen) = await StartReceiverAsync(_ => Task.CompletedTask);
        await using (app)
        {
            await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 });
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T","level":{"value":"low"}}""");
            await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"id":"E"}]},"notification":{"httpCustom":{"url":"@URL@","method":"GET","headers":{"X-Level":"${level}","Fiware-Correlator":"fixed"},"qs":{"id":"${id}"}}}}""".Replace("@URL@", url.ToString(), StringComparison.Ordinal));

            await client.SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", """{"level":{"value":"high"}}""");
            (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();

            seen.Count.ShouldBe(1);
            var request = seen.Single();
            request.Method.ShouldBe("GET");
            request.Query.ShouldBe("?id=E");
            request.Headers["X-Level"].ShouldBe("high");
            request.Headers["Fiware-Correlator"].ShouldBe("fixed");
            request.Headers["Ngsiv2-AttrsFormat"].ShouldBe("normalized");
        }
    }

    [Fact]
    public async Task Delivery_queue_full_each_dropped_notification_counted_on_its_subscription_and_delivered_plus_dropped_add_up()
    {
        const int updates = 40;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, url, seen) = await StartReceiverAsync(async context =>
        {
            await release.Task;
            context.Response.StatusCode = 204;
        });
        await using (app)
        {
            await using var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0, NotificationSendersPerSubscription = 1, NotificationQueueCapacity = 4, NotificationTimeout = TimeSpan.FromSeconds(30) });
            using var client = new HttpClient { BaseAddress = broker.BaseAddress };
            await client.SendAsync(HttpMethod.Post, "/v2/entities", """{"id":"E","type":"T","a":{"value":0}}""");
            var (created, _) = await client.SendAsync(HttpMethod.Post, "/v2/subscriptions", """{"subject":{"entities":[{"id":"E"}]},"notification":{"http":{"url":"@URL@"}}}""".Replace("@URL@", url.ToString(), StringComparison.Ordinal));
            var id = created.Headers.Location!.ToString().Split('/').Last();
            for (var i = 1; i <= updates; i++)
            {
                (await client.SendAsync(HttpMethod.Patch, "/v2/entities/E/attrs", "{\"a\":{\"value\":" + i + "}}")).Response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            }

            var (_, full) = await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
            var dropped = full!["notification"]!["dropped"]!.GetValue<long>();
            full["notification"]!["lastFailureReason"]!.GetValue<string>().ShouldBe("notification queue full");
            dropped.ShouldBeGreaterThan(0);

            release.SetResult();
            (await broker.WaitForNotificationsAsync(TimeSpan.FromSeconds(30))).ShouldBeTrue();
            var (_, after) = await client.SendAsync(HttpMethod.Get, "/v2/subscriptions/" + id);
            after!["notification"]!["dropped"]!.GetValue<long>().ShouldBe(dropped);
            (seen.Count + dropped).ShouldBe(updates, "every update was either delivered or counted as dropped");
            broker.NotificationsSent.ShouldBe(seen.Count);
        }
    }
}

public sealed record Seen(string Method, string Query, Dictionary<string, string> Headers);
