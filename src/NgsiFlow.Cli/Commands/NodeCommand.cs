using System.CommandLine;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NgsiFlow.Cli.Commands.Hosting;
using NgsiFlow.Cli.Jobs;
using NgsiFlow.Client;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Dashboard;
using NgsiFlow.Jobs;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow node --job FILE|NAME --redis CS [--broker URL] [--port P] [--silo-port S] [--public-url URL]</c>: one cluster node
/// (an Orleans silo, the job's notification receiver) until Ctrl+C or SIGTERM. Nodes are identical; run several
/// behind one load balancer URL and give that URL as <c>--public-url</c>.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var job = new Option<string>("--job") { Description = "The job to serve: a job file (see ngsiflow run --help), or a built-in job: running-sum, type-counts.", Required = true };
        var redis = new Option<string>("--redis") { Description = "Redis holding the membership table and the job state, for example 127.0.0.1:6379 (run it with appendonly yes, appendfsync always).", Required = true };
        var broker = new Option<string?>("--broker") { Description = "NGSI-v2 context broker URL: write-backs, and the job's subscription (default for a job file: its broker.url)." };
        var port = new Option<int>("--port") { Description = "TCP port of the notification receiver.", DefaultValueFactory = _ => 9100 };
        var listen = new Option<string>("--listen") { Description = "Address the receiver listens on (0.0.0.0 for all interfaces).", DefaultValueFactory = _ => "127.0.0.1" };
        var publicUrl = new Option<string?>("--public-url") { Description = "The URL the broker reaches the cluster at (the load balancer); put into the subscription. Default: this node's receiver." };
        var siloPort = new Option<int>("--silo-port") { Description = "TCP port for silo-to-silo traffic.", DefaultValueFactory = _ => 11111 };
        var advertise = new Option<string>("--advertise") { Description = "The address other nodes reach this node's silo at.", DefaultValueFactory = _ => "127.0.0.1" };
        var clusterId = new Option<string>("--cluster-id") { Description = "Nodes with the same cluster id form one cluster.", DefaultValueFactory = _ => "ngsiflow" };
        var serviceId = new Option<string>("--service-id") { Description = "Names the job state in Redis; keep it across redeployments.", DefaultValueFactory = _ => "ngsiflow" };
        var noSubscribe = new Option<bool>("--no-subscribe") { Description = "Do not make the job's subscription on the broker (it is made by hand)." };
        var commitTimeout = new Option<int>("--commit-timeout-ms") { Description = "How long a notification is held while the cluster cannot commit it, before a 503.", DefaultValueFactory = _ => 10_000 };
        var probeTimeout = new Option<int>("--probe-timeout-ms") { Description = "Silo probe timeout; 3 missed probes declare a node dead.", DefaultValueFactory = _ => 1_000 };
        var report = new Option<double>("--report-seconds") { Description = "Print a JSON statistics line this often (0: only at the end).", DefaultValueFactory = _ => 0 };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "Port of the node's live page, on the --listen address (0 picks a free one).", DefaultValueFactory = _ => 0 };
        var noDashboard = new Option<bool>("--no-dashboard") { Description = "Serve no live page." };
        var command = new Command("node", "Run one cluster node: an Orleans silo holding the job's per-key state in Redis and the job's notification receiver (2xx only after the state is stored).");
        foreach (var option in new Option[] { job, redis, broker, port, listen, publicUrl, siloPort, advertise, clusterId, serviceId, noSubscribe, commitTimeout, probeTimeout, report, dashboardPort, noDashboard })
        {
            command.Options.Add(option);
        }

        var operability = new OperabilityOptions();
        operability.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (operability.Validate(parseResult) is { } invalid)
            {
                await error.WriteLineAsync(invalid).ConfigureAwait(false);
                return 2;
            }

            var name = parseResult.GetValue(job)!;
            var jobs = ClusterDemoJobs.Registry();
            JobPlan? plan = null;
            ClusterJob served;
            if (LooksLikeFile(name))
            {
                try
                {
                    plan = JobPlan.Resolve(JobFile.Load(name));
                }
                catch (JobFileException e)
                {
                    await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                    return 2;
                }

                var refusal = plan.Spec.Broker.Api == NgsiApi.Ld ? "cluster nodes talk to NGSI-v2 brokers only; run an NGSI-LD job with ngsiflow run"
                    : plan.Spec.Sinks.Count > 0 ? "cluster nodes do not run sinks yet; run the file with ngsiflow run, or remove its 'sinks'"
                    : plan.Spec.Broker.Embedded && parseResult.GetValue(broker) is null ? "the nodes of a cluster share one broker: give --broker, or a broker.url in the file"
                    : null;
                if (refusal is not null)
                {
                    plan.Dispose();
                    await error.WriteLineAsync($"{name}: {refusal}.").ConfigureAwait(false);
                    return 2;
                }

                served = plan.ToClusterJob(new JobCounters());
                name = served.Name;
            }
            else if (jobs.Names.Contains(name, StringComparer.Ordinal))
            {
                served = jobs.Get(name);
            }
            else
            {
                await error.WriteLineAsync($"--job: no job file or built-in job named '{name}'. Built-in jobs: {string.Join(", ", jobs.Names)}.").ConfigureAwait(false);
                return 2;
            }

            using var planScope = plan;
            var brokerText = parseResult.GetValue(broker) ?? plan?.Spec.Broker.Url?.ToString();
            if (!Uri.TryCreate(brokerText, UriKind.Absolute, out var brokerUri) || brokerUri.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync(brokerText is null ? "--broker is required for a built-in job." : $"--broker must be an absolute http(s) URL (was '{brokerText}').").ConfigureAwait(false);
                return 2;
            }

            Uri? publicBase = null;
            if (parseResult.GetValue(publicUrl) is { } publicText && (!Uri.TryCreate(publicText, UriKind.Absolute, out publicBase) || publicBase.Scheme is not ("http" or "https")))
            {
                await error.WriteLineAsync($"--public-url must be an absolute http(s) URL (was '{publicText}').").ConfigureAwait(false);
                return 2;
            }

            if (!IPAddress.TryParse(parseResult.GetValue(listen), out var listenAddress))
            {
                await error.WriteLineAsync($"--listen must be an IP address (was '{parseResult.GetValue(listen)}').").ConfigureAwait(false);
                return 2;
            }

            if (!IPAddress.TryParse(parseResult.GetValue(advertise), out var advertised))
            {
                await error.WriteLineAsync($"--advertise must be an IP address (was '{parseResult.GetValue(advertise)}').").ConfigureAwait(false);
                return 2;
            }

            using var telemetry = operability.StartTelemetry(parseResult, "ngsiflow-node");
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

            // Orleans' start-up notes (server GC and the like) are noise for a node: warnings and up, unless asked.
            builder.Logging.AddFilter("Orleans", LogLevel.Warning);
            builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            operability.Configure(builder.Logging, parseResult);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            var connection = BrokerConnection.V2(new NgsiClientOptions { BaseAddress = brokerUri, Fiware = plan?.Subscription.Fiware, Auth = plan?.Spec.Broker.Auth ?? new NgsiAuthOptions() }, "broker");
            try
            {
                builder.AddNgsiFlowCluster(o =>
                {
                    o.Jobs.Add(served);
                    o.Serve.Add(name);
                    o.Redis = parseResult.GetValue(redis);
                    o.Broker = connection;
                    o.ClusterId = parseResult.GetValue(clusterId)!;
                    o.ServiceId = parseResult.GetValue(serviceId)!;
                    o.SiloPort = parseResult.GetValue(siloPort);
                    o.AdvertisedAddress = advertised;
                    o.Subscribe = !parseResult.GetValue(noSubscribe);
                    o.CommitTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(commitTimeout));
                    o.ProbeTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(probeTimeout));
                    o.Receiver = new ReceiverOptions
                    {
                        Port = parseResult.GetValue(port),
                        ListenAddress = listenAddress,
                        PublicBaseUrl = publicBase,
                        HoldTimeout = TimeSpan.FromMilliseconds(parseResult.GetValue(commitTimeout) + 2_000),
                        OtherRequests = telemetry?.Endpoint(null),
                    };
                });
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                connection.Dispose();
                return 2;
            }

            using var host = builder.Build();
            using var brokerScope = connection;
            var node = host.Services.GetRequiredService<ClusterNode>();
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return 1;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await error.WriteLineAsync($"The node could not start: {e.GetType().Name}: {e.Message}").ConfigureAwait(false);
                return 3;
            }

            await using var dashboard = parseResult.GetValue(noDashboard) ? null : await StartDashboardAsync(parseResult.GetValue(dashboardPort), listenAddress.ToString(), error, cancellationToken).ConfigureAwait(false);
            using var dashboardStop = new CancellationTokenSource();
            var dashboardLoop = dashboard is null ? Task.CompletedTask : new NodeDashboard(dashboard.Feed, node, name).RunAsync(dashboardStop.Token);
            var page = dashboard is null ? string.Empty : $", dashboard {dashboard.BaseAddress}";
            await output.WriteLineAsync($"node ready: job {name}, receiver {node.Receiver!.BaseAddress}notify/{name}, silo {node.SiloAddress}, cluster {parseResult.GetValue(clusterId)}{page}").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            var every = parseResult.GetValue(report);
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            try
            {
                while (true)
                {
                    await Task.Delay(every > 0 ? TimeSpan.FromSeconds(every) : Timeout.InfiniteTimeSpan, stopping.Token).ConfigureAwait(false);
                    await output.WriteLineAsync(Json(node)).ConfigureAwait(false);
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM (or the silo stopping itself): hand the keys over.
            }

            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await host.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or AggregateException)
            {
                await error.WriteLineAsync($"The node did not stop cleanly: {e.Message}").ConfigureAwait(false);
            }

            await dashboardStop.CancelAsync().ConfigureAwait(false);
            await dashboardLoop.ConfigureAwait(false);
            await output.WriteLineAsync(Json(node)).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task<DashboardServer?> StartDashboardAsync(int port, string host, TextWriter error, CancellationToken cancellationToken)
    {
        var feed = new DashboardFeed();
        try
        {
            return await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed, Port = port, Host = host }, cancellationToken).ConfigureAwait(false);
        }
        catch (DashboardPortInUseException e)
        {
            // The node is more important than its page: run without it and say why.
            await error.WriteLineAsync($"{e.Message}; the node runs without its dashboard.").ConfigureAwait(false);
            await feed.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private static bool LooksLikeFile(string job) =>
        job.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || job.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || job.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || job.Contains('/', StringComparison.Ordinal) || File.Exists(job);

    private static string Json(ClusterNode node) => JsonSerializer.Serialize(new { silo = node.SiloAddress, activeSilos = node.ActiveSilos, statistics = node.GetStatistics() }, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
