using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NgsiFlow.Cli.Commands.Bench.Cluster;

/// <summary>
/// Plays a context broker that sends again what was not answered 2xx: posts NGSI-v2 notifications of
/// <c>entities × updates</c> sensor updates (<c>value</c> = <c>seq</c> = 1, 2, ...; <c>ts</c> a fixed event time),
/// each entity's updates in order, one at a time, by the sender that owns the entity; an update that gets anything
/// but 2xx (or no answer) is posted again until it gets a 2xx. Records every 2xx with its time and latency.
/// </summary>
internal sealed class NotificationLoad(Uri notifyUrl, int entities, int updates, int senders, IReadOnlyList<string>? types = null, string idPrefix = "S")
{
    /// <summary>The event time of update 1 of entity 0.</summary>
    public static readonly DateTimeOffset EventTimeBase = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<long>[] _acks = [.. Enumerable.Range(0, entities).Select(_ => new List<long>(updates))];
    private readonly double[] _latencies = new double[entities * updates];
    private long _acknowledged;
    private long _attempts;
    private long _unavailable;
    private long _otherStatus;
    private long _noAnswer;

    public int Entities => entities;

    public int Updates => updates;

    /// <summary>Updates answered 2xx so far.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Unavailable => Interlocked.Read(ref _unavailable);

    public long OtherStatus => Interlocked.Read(ref _otherStatus);

    public long NoAnswer => Interlocked.Read(ref _noAnswer);

    public static string EntityId(int index, string prefix = "S") => prefix + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The entity type of entity <paramref name="index"/>: the types given, in turn; default "Sensor".</summary>
    public string TypeOf(int index) => types is { Count: > 0 } t ? t[index % t.Count] : "Sensor";

    /// <summary>The event time of an update: 37 ms apart per entity, 500 ms apart per update.</summary>
    public static DateTimeOffset EventTime(int entity, int seq) => EventTimeBase.AddMilliseconds((entity * 37) + ((seq - 1) * 500));

    /// <summary>Updates of an entity answered 2xx.</summary>
    public int AcknowledgedOf(int entity)
    {
        lock (_acks[entity])
        {
            return _acks[entity].Count;
        }
    }

    /// <summary>Sends everything; returns the time it took. Throws when an update is still refused at <paramref name="timeout"/>.</summary>
    public async Task<TimeSpan> RunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, senders).Select(s => Task.Run(() => SendAsync(http, s, deadline.Token), deadline.Token)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The load did not get every update acknowledged within {timeout.TotalSeconds:0} s: {Acknowledged} of {entities * updates} (503: {Unavailable}, other status: {OtherStatus}, no answer: {NoAnswer}).");
        }

        return clock.Elapsed;
    }

    /// <summary>The longest time any entity went without a 2xx, from the first ack of the run to the last.</summary>
    public TimeSpan LongestStall()
    {
        long worst = 0;
        foreach (var list in _acks)
        {
            lock (list)
            {
                for (var i = 1; i < list.Count; i++)
                {
                    worst = Math.Max(worst, list[i] - list[i - 1]);
                }
            }
        }

        return TimeSpan.FromSeconds(worst / (double)Stopwatch.Frequency);
    }

    /// <summary>Latency percentile (0..1) of the acknowledged updates, from first attempt to 2xx, in ms.</summary>
    public double Percentile(double p)
    {
        var count = (int)Math.Min(Acknowledged, _latencies.Length);
        if (count == 0)
        {
            return 0;
        }

        var sorted = _latencies[..count].Order().ToArray();
        return sorted[Math.Min(count - 1, (int)(count * p))];
    }

    private async Task SendAsync(HttpClient http, int sender, CancellationToken cancellationToken)
    {
        for (var seq = 1; seq <= updates; seq++)
        {
            for (var entity = sender; entity < entities; entity += senders)
            {
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$$"""{"subscriptionId":"load","data":[{"id":"{{{EntityId(entity, idPrefix)}}}","type":"{{{TypeOf(entity)}}}","value":{"type":"Number","value":{{{seq}}}},"seq":{"type":"Number","value":{{{seq}}}},"ts":{"type":"DateTime","value":"{{{EventTime(entity, seq):yyyy-MM-ddTHH:mm:ss.fffZ}}}"}}]}"""));
                var first = Stopwatch.GetTimestamp();
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Interlocked.Increment(ref _attempts);
                    try
                    {
                        using var content = new ByteArrayContent(body);
                        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                        using var response = await http.PostAsync(notifyUrl, content, cancellationToken).ConfigureAwait(false);
                        if (response.IsSuccessStatusCode)
                        {
                            break;
                        }

                        Interlocked.Increment(ref (int)response.StatusCode == 503 ? ref _unavailable : ref _otherStatus);
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        Interlocked.Increment(ref _noAnswer);
                    }

                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }

                var now = Stopwatch.GetTimestamp();
                lock (_acks[entity])
                {
                    _acks[entity].Add(now);
                }

                var index = Interlocked.Increment(ref _acknowledged) - 1;
                _latencies[index] = Stopwatch.GetElapsedTime(first, now).TotalMilliseconds;
            }
        }
    }
}
