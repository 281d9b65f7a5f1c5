using System.Diagnostics;
using System.Net;
using System.Text;
using NgsiFlow.Engine;

namespace NgsiFlow.Connector.Tests;

/// <summary>A receiver pushed far past what its job absorbs: it answers 503 with Retry-After, never accepts and drops.</summary>
public sealed class OverloadTests
{
    [Fact]
    public async Task Receiver_offered_several_times_its_jobs_capacity_for_20_s_accepted_equals_processed()
    {
        long processed = 0;

        // About 190 events/s: one event at a time, 5 ms each, behind a 64-event input.
        var input = new JobDefinition<NgsiEvent>("slow", s => s.ForEachAsync((_, _) =>
        {
            Thread.Sleep(5);
            Interlocked.Increment(ref processed);
            return default;
        })).Create(capacity: 64);
        input.Job.Start();
        await using var receiver = await NgsiReceiver.StartAsync(new ReceiverOptions { Port = 0, HoldTimeout = TimeSpan.FromMilliseconds(20) }, CancellationToken.None);
        receiver.AddJob("slow", new StreamInputTarget(input));

        long accepted = 0, unavailable = 0, withoutRetryAfter = 0, other = 0, attempts = 0;
        using var http = new HttpClient { BaseAddress = receiver.BaseAddress };
        var clock = Stopwatch.StartNew();
        var senders = Enumerable.Range(0, 32).Select(sender => Task.Run(async () =>
        {
            for (var seq = 0; clock.Elapsed < TimeSpan.FromSeconds(20); seq++)
            {
                var body = $$$"""{"subscriptionId":"s","data":[{"id":"E{{{sender}}}","type":"T","seq":{"type":"Number","value":{{{seq}}}}}]}""";
                using var response = await http.PostAsync("notify/slow", new StringContent(body, Encoding.UTF8, "application/json"));
                Interlocked.Increment(ref attempts);
                if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    Interlocked.Increment(ref accepted);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref unavailable);
                    if (response.Headers.RetryAfter is null)
                    {
                        Interlocked.Increment(ref withoutRetryAfter);
                    }
                }
                else
                {
                    Interlocked.Increment(ref other);
                }
            }
        })).ToList();
        await Task.WhenAll(senders);
        var offeredPerSecond = attempts / clock.Elapsed.TotalSeconds;
        var processedPerSecond = Interlocked.Read(ref processed) / clock.Elapsed.TotalSeconds;
        input.Complete();
        await input.Job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        unavailable.ShouldBeGreaterThan(0, "the job was overloaded");
        offeredPerSecond.ShouldBeGreaterThan(3 * processedPerSecond, $"offered {offeredPerSecond:0}/s against {processedPerSecond:0}/s processed");
        withoutRetryAfter.ShouldBe(0);
        other.ShouldBe(0);
        Interlocked.Read(ref processed).ShouldBe(accepted, "every notification answered 204 was processed, none other");
        receiver.GetStatistics().Accepted.ShouldBe(accepted);
    }
}
