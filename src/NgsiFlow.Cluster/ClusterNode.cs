using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NgsiFlow.Cluster.Internal;
using NgsiFlow.Connector;
using NgsiFlow.Connector.Internal;
using Orleans.Runtime;

namespace NgsiFlow.Cluster;

/// <summary>
/// The node's notification receiver and subscription keeper, started after the node's silo joined the cluster and
/// stopped before it leaves: a stopping node first answers the requests it holds, then its silo hands its keys over.
/// Besides <c>/notify/{job}</c> the receiver's port answers <c>GET /cluster/stats</c> (this node's
/// <see cref="ClusterStatistics"/> as JSON) and <c>GET /cluster/keys/{job}/{key}</c> (a key's stored state).
/// </summary>
public sealed class ClusterNode : IHostedService, IAsyncDisposable
{
    private readonly ClusterNodeOptions _options;
    private readonly IGrainFactory _grains;
    private readonly ILocalSiloDetails _silo;
    private readonly IClusterMembershipService _membership;
    private readonly IServiceProvider _services;
    private readonly ClusterRuntime _runtime;
    private readonly CancellationTokenSource _stopping = new();
    private NgsiReceiver? _receiver;
    private Task _subscriptions = Task.CompletedTask;

    /// <summary>The tag of the health checks behind <c>/health/ready</c>.</summary>
    public const string ReadyTag = HealthReportWriter.ReadyTag;

    internal ClusterNode(ClusterNodeOptions options, IGrainFactory grains, ILocalSiloDetails silo, IClusterMembershipService membership, ClusterRuntime runtime, IServiceProvider services)
    {
        _services = services;
        _membership = membership;
        _options = options;
        _grains = grains;
        _silo = silo;
        _runtime = runtime;
    }

    /// <summary>The receiver (null before start).</summary>
    public NgsiReceiver? Receiver => _receiver;

    /// <summary>This node's silo address.</summary>
    public string SiloAddress => _silo.SiloAddress.ToString();

    /// <summary>The subscription ids on the broker, per job, once the singleton made or found them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SubscriptionIds { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The silos this node sees as active members of the cluster (itself included).</summary>
    public IReadOnlyList<string> ActiveSilos => [.. _membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToString()).Order(StringComparer.Ordinal)];

    /// <summary>What this node did since it started.</summary>
    /// <returns>The counters.</returns>
    public ClusterStatistics GetStatistics() => _runtime.Counters.Snapshot();

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var receiverOptions = _options.Receiver;
        var others = receiverOptions.OtherRequests;
        receiverOptions.OtherRequests = context => HandleOtherAsync(context, others);
        _receiver = await NgsiReceiver.StartAsync(receiverOptions, cancellationToken).ConfigureAwait(false);
        var jobs = Served();
        foreach (var job in jobs)
        {
            var route = _receiver.AddJob(job.Name, new ClusterNotificationTarget(_grains, job, _runtime));
            foreach (var request in job.Subscriptions)
            {
                route.AddSubscription(request.Name, SubscriptionBuilder.ParseOptions(request, _runtime.Broker.Api));
            }
        }

        if (_options.Subscribe && jobs.Any(j => j.Subscriptions.Count > 0))
        {
            _subscriptions = KeepSubscriptionsAsync(jobs, _stopping.Token);
        }

        ClusterLog.NodeReady(_runtime.Logger, string.Join(", ", jobs.Select(j => j.Name)), _receiver.BaseAddress, SiloAddress, _options.ClusterId);
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _subscriptions.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the subscriptions stay on the broker for the other nodes (delete them with `ngsiflow subscriptions delete`).
        }

        if (_receiver is not null)
        {
            await _receiver.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>The jobs this node receives notifications for.</summary>
    public IReadOnlyList<ClusterJob> ServedJobs => Served();

    private List<ClusterJob> Served() => _options.Serve.Count == 0
        ? [.. _options.Jobs.Jobs]
        : [.. _options.Serve.Select(_options.Jobs.Get)];

    private async Task KeepSubscriptionsAsync(List<ClusterJob> jobs, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_options.Receiver.BearerToken is { } token)
        {
            headers["Authorization"] = "Bearer " + token;
        }

        if (_options.Receiver.SharedSecretHeader is { } name)
        {
            headers[name] = _options.Receiver.SharedSecret!;
        }

        var ids = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = _options.SubscriptionCheck;
            foreach (var job in jobs.Where(j => j.Subscriptions.Count > 0))
            {
                var route = _receiver!.Routes[job.Name];
                try
                {
                    var made = await _grains.GetGrain<ISubscriptionGrain>(job.Name)
                        .EnsureAsync(route.NotifyUrl.AbsoluteUri, headers).WaitAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var id in made)
                    {
                        route.MapSubscriptionId(id);
                    }

                    ids[job.Name] = made;
                    SubscriptionIds = new Dictionary<string, IReadOnlyList<string>>(ids);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    wait = TimeSpan.FromSeconds(Math.Min(5, _options.SubscriptionCheck.TotalSeconds));
                    ClusterLog.SubscriptionFailed(_runtime.Logger, e, job.Name, wait.TotalSeconds);
                }
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleOtherAsync(HttpContext context, RequestDelegate? others)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        if (HttpMethods.IsGet(context.Request.Method) && path == "/cluster/stats")
        {
            var s = GetStatistics();
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, new NodeStats(SiloAddress, ActiveSilos, [.. SubscriptionIds.Values.SelectMany(v => v)], s), NodeStats.Json, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) && path is "/health/live" or "/health/ready")
        {
            await WriteHealthAsync(context, path == "/health/ready").ConfigureAwait(false);
            return;
        }

        const string keys = "/cluster/keys/";
        if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith(keys, StringComparison.Ordinal) && path.IndexOf('/', keys.Length) > keys.Length)
        {
            var (job, key) = ClusterRuntime.SplitGrainKey(Uri.UnescapeDataString(path[keys.Length..]));
            if (!_options.Jobs.Names.Contains(job, StringComparer.Ordinal))
            {
                await WriteErrorAsync(context, 404, "NotFound", $"no job named '{job}' on this cluster").ConfigureAwait(false);
                return;
            }

            var snapshot = await _grains.GetGrain<IKeyGrain>(ClusterRuntime.GrainKey(job, key)).GetAsync().ConfigureAwait(false);
            context.Response.ContentType = "application/json";
            await using var writer = new Utf8JsonWriter(context.Response.Body);
            writer.WriteStartObject();
            writer.WriteString("job", job);
            writer.WriteString("key", key);
            writer.WriteNumber("applied", snapshot.Applied);
            writer.WriteNumber("pendingWriteBacks", snapshot.PendingWriteBacks);
            writer.WritePropertyName("state");
            if (snapshot.State is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(snapshot.State);
            }

            writer.WriteEndObject();
            return;
        }

        if (others is not null)
        {
            await others(context).ConfigureAwait(false);
            return;
        }

        await WriteErrorAsync(context, 404, "NotFound", $"no endpoint at '{path}'; notifications go to '{_options.Receiver.NotifyPath}/{{job}}'").ConfigureAwait(false);
    }

    /// <summary>Live: the process answers. Ready: every check tagged <see cref="ReadyTag"/> passes (silo, store, broker, subscriptions).</summary>
    private Task WriteHealthAsync(HttpContext context, bool ready) =>
        HealthReportWriter.AnswerAsync(context, _services.GetRequiredService<HealthCheckService>(), ready);

    private static async Task WriteErrorAsync(HttpContext context, int status, string error, string description)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new Dictionary<string, string> { ["error"] = error, ["description"] = description }, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record NodeStats(string Silo, IReadOnlyList<string> ActiveSilos, IReadOnlyList<string> Subscriptions, ClusterStatistics Statistics)
    {
        public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
    }
}
