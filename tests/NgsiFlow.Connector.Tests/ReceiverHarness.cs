using System.Net.Http.Headers;
using NgsiFlow.Engine;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Tests;

/// <summary>A receiver on a free loopback port with one job whose events are collected.</summary>
internal sealed class ReceiverHarness : IAsyncDisposable
{
    private readonly List<NgsiEvent> _events = [];

    private ReceiverHarness(NgsiReceiver receiver, StreamJob job, StreamInput<NgsiEvent> input, ReceiverRoute route)
    {
        Receiver = receiver;
        Job = job;
        Input = input;
        Route = route;
        Http = new HttpClient { BaseAddress = receiver.BaseAddress };
    }

    public NgsiReceiver Receiver { get; }

    public StreamJob Job { get; }

    public StreamInput<NgsiEvent> Input { get; }

    public ReceiverRoute Route { get; }

    public HttpClient Http { get; }

    public IReadOnlyList<NgsiEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public static async Task<ReceiverHarness> StartAsync(ReceiverOptions? options = null, int capacity = 1024, bool startJob = true, Func<NgsiEvent, CancellationToken, ValueTask>? action = null)
    {
        options ??= new ReceiverOptions();
        options.Port = 0;
        var job = new StreamJob("job1");
        var input = job.Input<NgsiEvent>(capacity);
        ReceiverHarness? harness = null;
        input.ForEachAsync(async (e, ct) =>
        {
            if (action is not null)
            {
                await action(e, ct);
            }

            lock (harness!._events)
            {
                harness._events.Add(e);
            }
        });
        var receiver = await NgsiReceiver.StartAsync(options, CancellationToken.None);
        var route = receiver.AddJob("job1", new StreamInputTarget(input));
        harness = new ReceiverHarness(receiver, job, input, route);
        if (startJob)
        {
            job.Start();
        }

        return harness;
    }

    public Task<HttpResponseMessage> PostAsync(string path, byte[] body, NotificationHeaders? headers = null, string contentType = "application/json; charset=utf-8")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers ?? NotificationHeaders.Empty)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Http.SendAsync(request);
    }

    public async Task StopAsync()
    {
        await Receiver.StopAsync(CancellationToken.None);
        await Job.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Receiver.DisposeAsync();
        await Job.DisposeAsync();
    }
}
