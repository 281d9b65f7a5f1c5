using System.Net;
using System.Net.Sockets;
using System.Text;
using NgsiFlow.Testing;

namespace NgsiFlow.Connector.Tests;

/// <summary>Slow and abusive clients against the receiver's connection limits.</summary>
public sealed class SlowClientTests
{
    private static readonly byte[] Notification = "{\"subscriptionId\":\"s\",\"data\":[{\"id\":\"E1\",\"type\":\"T\"}]}"u8.ToArray();

    [Fact]
    public async Task Receiver_two_hundred_slowloris_connections_normal_requests_still_served_and_slow_ones_closed()
    {
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { RequestHeadersTimeout = TimeSpan.FromSeconds(2) });
        await using var slow = await SlowClients.OpenAsync(h.Receiver.BaseAddress.Port, 200, TimeSpan.FromMilliseconds(500));

        for (var i = 0; i < 50; i++)
        {
            using var response = await h.PostAsync("/notify/job1", Notification);
            response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (slow.ClosedByServer < slow.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        slow.ClosedByServer.ShouldBe(slow.Count, "the headers timeout closes every connection that never finishes its headers");
        await h.StopAsync();
        h.Events.Count.ShouldBe(50);
    }

    [Fact]
    public async Task Receiver_max_requests_per_connection_answer_closes_the_connection_at_the_limit()
    {
        await using var h = await ReceiverHarness.StartAsync(new ReceiverOptions { MaxRequestsPerConnection = 3 });
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", h.Receiver.BaseAddress.Port);
        var stream = client.GetStream();
        var request = Encoding.ASCII.GetBytes($"POST /notify/job1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {Notification.Length}\r\n\r\n").Concat(Notification).ToArray();
        var answers = new List<string>();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        for (var i = 0; i < 3; i++)
        {
            await stream.WriteAsync(request);
            var status = await reader.ReadLineAsync();
            var headers = new List<string>();
            for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
            {
                headers.Add(line);
            }

            answers.Add(status + " " + string.Join("; ", headers));
        }

        answers[0].ShouldStartWith("HTTP/1.1 204");
        answers[0].ShouldNotContain("Connection: close");
        answers[2].ShouldStartWith("HTTP/1.1 204");
        answers[2].ShouldContain("Connection: close");
        (await reader.ReadLineAsync()).ShouldBeNull("the server closed the connection after the third answer");
    }

    [Fact]
    public void Validate_bad_limits_each_named()
    {
        var e = Should.Throw<ArgumentException>(new ReceiverOptions { MaxConcurrentConnections = 0, RequestHeadersTimeout = TimeSpan.Zero, MinRequestBodyBytesPerSecond = -1, MaxRequestsPerConnection = -1 }.Validate);
        e.Message.ShouldContain("MaxConcurrentConnections must be between 1 and 1000000 (was 0)");
        e.Message.ShouldContain("RequestHeadersTimeout must be between 100 ms and 10 minutes");
        e.Message.ShouldContain("MinRequestBodyBytesPerSecond must not be negative (was -1)");
        e.Message.ShouldContain("MaxRequestsPerConnection must not be negative (was -1)");
    }
}
