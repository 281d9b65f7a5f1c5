using System.Globalization;
using System.Net.Http.Json;
using NgsiFlow.Broker;
using NgsiFlow.Cli.Commands.Bench.Servers;
using NgsiFlow.Cluster;

namespace NgsiFlow.Cli.Commands.Bench.Cluster;

/// <summary>
/// A cluster on this machine, for <c>bench cluster</c> and the cluster tests: the embedded broker, a throwaway Redis
/// (appendfsync always), N <c>ngsiflow node</c> processes and nginx in front of them as the one public URL.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = [];
    private readonly string _cliPath;
    private readonly string _job;
    private readonly string[] _extra;
    private readonly bool _ownsRedis;
    private int _started;

    private ClusterRig(string cliPath, string job, string clusterId, ContextBroker broker, RedisServer? redis, string redisConfiguration, bool ownsRedis, string[] extra)
    {
        _cliPath = cliPath;
        _job = job;
        ClusterId = clusterId;
        Broker = broker;
        Redis = redis;
        RedisConfiguration = redisConfiguration;
        _ownsRedis = ownsRedis;
        _extra = extra;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public string ClusterId { get; }

    public ContextBroker Broker { get; }

    public RedisServer? Redis { get; }

    public string RedisConfiguration { get; }

    public NginxServer Nginx { get; private set; } = null!;

    public HttpClient Http { get; }

    /// <summary>The nodes started so far (killed ones included).</summary>
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>The job's notification URL through the load balancer.</summary>
    public Uri NotifyUrl => new(Nginx.BaseAddress, "notify/" + _job);

    /// <summary>Starts the broker, Redis (unless <paramref name="redis"/> is given), <paramref name="nodes"/> nodes and nginx.</summary>
    /// <param name="cliPath">The ngsiflow.dll to run nodes from.</param>
    /// <param name="job">The job the nodes serve.</param>
    /// <param name="nodes">How many nodes.</param>
    /// <param name="redis">A running Redis to share (its configuration string), or null for a throwaway one.</param>
    /// <param name="extraArguments">More <c>ngsiflow node</c> arguments (for example <c>--no-subscribe</c>).</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    public static async Task<ClusterRig> StartAsync(string cliPath, string job, int nodes, string? redis, IEnumerable<string> extraArguments, CancellationToken cancellationToken)
    {
        var broker = await ContextBroker.StartAsync(new BrokerOptions { Port = 0 }, cancellationToken).ConfigureAwait(false);
        RedisServer? server = null;
        try
        {
            if (redis is null)
            {
                server = await RedisServer.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            var rig = new ClusterRig(cliPath, job, "rig" + Guid.NewGuid().ToString("N")[..10], broker, server, redis ?? server!.ConnectionString, server is not null, [.. extraArguments]);
            var ports = Enumerable.Range(0, nodes).Select(_ => (FreePort.Next(), FreePort.Next())).ToList();
            rig.Nginx = await NginxServer.StartAsync([.. ports.Select(p => p.Item1)], cancellationToken).ConfigureAwait(false);
            var started = ports.Select(p => rig.StartNode(p.Item1, p.Item2)).ToList();
            foreach (var node in started)
            {
                await node.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            }

            return rig;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }

            await broker.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts one more node and adds it to nginx once it is ready.</summary>
    public async Task<NodeProcess> AddNodeAsync(CancellationToken cancellationToken)
    {
        var node = StartNode(FreePort.Next(), FreePort.Next());
        await node.WaitReadyAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        await Nginx.SetUpstreamsAsync([.. _nodes.Where(n => !n.HasExited).Select(n => n.Port)], cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>Creates <paramref name="count"/> entities <c>S00000</c>... of type <paramref name="type"/> in the broker.</summary>
    public Task CreateEntitiesAsync(int count, string type, CancellationToken cancellationToken) => CreateEntitiesAsync(Http, Broker.BaseAddress, count, type, "S", cancellationToken);

    /// <summary>Creates <paramref name="count"/> entities <c>{prefix}00000</c>... of type <paramref name="type"/> in a broker.</summary>
    public static async Task CreateEntitiesAsync(HttpClient http, Uri broker, int count, string type, string prefix, CancellationToken cancellationToken)
    {
        for (var from = 0; from < count; from += 500)
        {
            var entities = Enumerable.Range(from, Math.Min(500, count - from)).Select(i => new Dictionary<string, object>
            {
                ["id"] = NotificationLoad.EntityId(i, prefix),
                ["type"] = type,
                ["value"] = new { type = "Number", value = 0 },
            });
            using var response = await http.PostAsJsonAsync(new Uri(broker, "v2/op/update"), new { actionType = "append", entities }, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The counters of every node still answering.</summary>
    public async Task<IReadOnlyList<(NodeProcess Node, ClusterStatistics Statistics)>> StatisticsAsync(CancellationToken cancellationToken)
    {
        var result = new List<(NodeProcess, ClusterStatistics)>();
        foreach (var node in _nodes.Where(n => !n.HasExited))
        {
            if (await node.StatisticsAsync(Http, cancellationToken).ConfigureAwait(false) is { } s)
            {
                result.Add((node, s));
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        if (Nginx is not null)
        {
            await Nginx.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsRedis && Redis is not null)
        {
            await Redis.DisposeAsync().ConfigureAwait(false);
        }

        await Broker.DisposeAsync().ConfigureAwait(false);
        Http.Dispose();
    }

    private NodeProcess StartNode(int port, int siloPort)
    {
        var name = "node" + Interlocked.Increment(ref _started).ToString(CultureInfo.InvariantCulture);
        var node = NodeProcess.Start(_cliPath, name, port, siloPort,
        [
            "--job", _job,
            "--redis", RedisConfiguration,
            "--broker", Broker.BaseAddress.AbsoluteUri,
            "--public-url", Nginx.BaseAddress.AbsoluteUri,
            "--cluster-id", ClusterId,
            "--service-id", ClusterId,
            .. _extra,
        ]);
        _nodes.Add(node);
        return node;
    }
}
