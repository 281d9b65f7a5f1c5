using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NgsiFlow.Broker;
using NgsiFlow.Client;
using NgsiFlow.Cluster;
using NgsiFlow.Connector;
using NgsiFlow.Engine;
using NgsiFlow.Jobs.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs;

/// <summary>Settings of a job file run in one process that the file does not hold.</summary>
public sealed class JobRunnerOptions
{
    /// <summary>Overrides the file's broker URL (<c>ngsiflow run --broker</c>); null keeps the file's.</summary>
    public Uri? Broker { get; set; }

    /// <summary>Overrides the file's receiver port; null keeps the file's.</summary>
    public int? ReceiverPort { get; set; }

    /// <summary>The port of an embedded broker (<c>broker: embedded</c>); 0 picks a free one. Default 1026.</summary>
    public int EmbeddedBrokerPort { get; set; } = 1026;

    /// <summary>Whether the broker is asked whether the features' attributes exist before the job starts. Default true.</summary>
    public bool CheckAttributes { get; set; } = true;

    /// <summary>Middleware of an embedded broker (for example its <c>/metrics</c>).</summary>
    public Func<Microsoft.AspNetCore.Http.RequestDelegate, Microsoft.AspNetCore.Http.RequestDelegate>? BrokerMiddleware { get; set; }

    /// <summary>Requests to the receiver other than notifications (for example <c>GET /metrics</c>).</summary>
    public Microsoft.AspNetCore.Http.RequestDelegate? OtherRequests { get; set; }

    /// <summary>Where the connector, the model loader and the sinks log.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}

/// <summary>
/// Runs a job file in one process: starts the embedded broker when the file asks for one, the receiver, the
/// subscription, the job (keyed state on the in-process engine), the write-backs and the sinks, until stopped.
/// </summary>
public sealed class JobRunner : IAsyncDisposable
{
    private readonly ContextBroker? _embedded;
    private readonly NgsiConnector _connector;
    private readonly NgsiReplier _replier;
    private int _stopped;

    private JobRunner(JobPlan plan, ContextBroker? embedded, NgsiConnector connector, BrokerConnection broker, NgsiReplier replier)
    {
        Plan = plan;
        _embedded = embedded;
        _connector = connector;
        Broker = broker;
        _replier = replier;
    }

    /// <summary>The plan being run.</summary>
    public JobPlan Plan { get; }

    /// <summary>The job's broker connection.</summary>
    public BrokerConnection Broker { get; }

    /// <summary>The broker's address (the embedded one's when the file asks for it).</summary>
    public Uri BrokerAddress => Broker.BaseAddress;

    /// <summary>Where notifications are received (<c>{receiver}/notify/{job}</c>).</summary>
    public Uri NotifyUrl => new(_connector.Receiver.PublicBaseUrl, $"notify/{Plan.Spec.Name}");

    /// <summary>The subscription made on the broker.</summary>
    public ManagedSubscription Subscription => _connector.Subscriptions[0];

    /// <summary>The job's counts.</summary>
    public JobCounters Counters { get; } = new();

    /// <summary>The receiver's counts.</summary>
    public ReceiverStatistics Receiver => _connector.Receiver.GetStatistics();

    /// <summary>The write-backs' counts.</summary>
    public ReplierStatistics WriteBacks => _replier.GetStatistics();

    /// <summary>Starts the job; returns once the subscription exists.</summary>
    /// <param name="plan">The resolved job file (the runner does not dispose it).</param>
    /// <param name="options">Overrides and logging.</param>
    /// <param name="cancellationToken">Stops starting.</param>
    /// <returns>The running job.</returns>
    /// <exception cref="JobFileException">The broker says a feature's attribute does not exist.</exception>
    public static async Task<JobRunner> StartAsync(JobPlan plan, JobRunnerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= new JobRunnerOptions();
        var spec = plan.Spec;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        ContextBroker? embedded = null;
        if (spec.Broker.Embedded && options.Broker is null)
        {
            embedded = await ContextBroker.StartAsync(new BrokerOptions { Port = options.EmbeddedBrokerPort, LoggerFactory = options.LoggerFactory, Middleware = options.BrokerMiddleware }, cancellationToken).ConfigureAwait(false);
        }

        NgsiConnector? connector = null;
        try
        {
            var address = options.Broker ?? embedded?.BaseAddress ?? spec.Broker.Url!;
            var client = new NgsiClientOptions { BaseAddress = address, Fiware = plan.Subscription.Fiware, Auth = spec.Broker.Auth };
            var health = new JobHealth(options.OtherRequests);
            connector = new NgsiConnector(new ConnectorOptions
            {
                Receiver = new ReceiverOptions { Port = options.ReceiverPort ?? spec.Receiver.Port, ListenAddress = spec.Receiver.Listen, PublicBaseUrl = spec.Receiver.PublicUrl, OtherRequests = health.HandleAsync },
                LoggerFactory = options.LoggerFactory,
            });
            var broker = connector.AddBroker(spec.Broker.Api == NgsiApi.Ld
                ? BrokerConnection.Ld(client, loggerFactory: options.LoggerFactory)
                : BrokerConnection.V2(client, loggerFactory: options.LoggerFactory));
            if (options.CheckAttributes)
            {
                var errors = await plan.CheckAttributesAsync(broker, cancellationToken).ConfigureAwait(false);
                if (errors.Count > 0)
                {
                    throw new JobFileException(errors);
                }
            }

            var replier = connector.Replier(broker, new ReplierOptions { BatchWindow = spec.WriteBack.BatchWindow, LoggerFactory = options.LoggerFactory });
            var runner = new JobRunner(plan, embedded, connector, broker, replier);
            health.Attach(runner);
            runner.Build(new StreamJob(spec.Name), loggerFactory.CreateLogger("NgsiFlow.Jobs." + spec.Name));
            await connector.StartAsync(cancellationToken).ConfigureAwait(false);
            return runner;
        }
        catch
        {
            if (connector is not null)
            {
                await connector.DisposeAsync().ConfigureAwait(false);
            }

            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Stops gracefully: deletes the subscription, drains the job, flushes the write-backs and the sinks.</summary>
    /// <param name="cancellationToken">Gives up waiting.</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _connector.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Disposing still releases everything below.
        }

        await _connector.DisposeAsync().ConfigureAwait(false);
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Build(StreamJob job, ILogger logger)
    {
        var logic = new JobLogic(Plan, Counters);
        var writes = _connector.Subscribe(job, Broker, Plan.Subscription)
            .KeyBy(logic.KeyOf)
            .Process<string, NgsiEvent, JobState, WriteBack>(
                _ => new JobState(),
                (string key, ref JobState state, NgsiEvent e, Emitter<WriteBack> output) =>
                {
                    var list = new List<WriteBack>(1);
                    logic.Apply(key, state, e, list);
                    foreach (var w in list)
                    {
                        output.Emit(w);
                    }
                },
                name: "job-file");

        // In order per entity; a write the broker refuses is dead-lettered by the replier and counted there.
        writes.KeyBy(w => w.EntityId)
            .ForEachAsync((w, ct) => new ValueTask(SendAsync(w, ct)), parallelism: 8, name: "write-back", onError: ErrorPolicy.Skip);
        foreach (var sink in Plan.Spec.Sinks)
        {
            writes.To(JobSinks.Create(sink, Plan.Spec.Name, TimeProvider.System, logger), name: $"sink-{sink.GetType().Name}", onError: ErrorPolicy.Skip);
        }
    }

    private async Task SendAsync(WriteBack write, CancellationToken cancellationToken)
    {
        // The replier's request span takes the current span as its parent: make it this write's update.
        using var span = write.TraceContext != default && JobsTracing.Source.HasListeners()
            ? JobsTracing.Source.StartActivity("hand over write-back", ActivityKind.Internal, write.TraceContext)
            : null;
        try
        {
            if (Broker.Api == NgsiApi.Ld)
            {
                await _replier.UpdateAttributesAsync(
                    new NgsiEvent(Plan.Spec.Name, new NgsiLdEntity(write.EntityId, write.EntityType), write.Fiware ?? FiwareContext.Default, NotificationFormat.LdNormalized, null, null, DateTimeOffset.UtcNow),
                    write.Attributes.Select(a => (NgsiLdAttribute)new NgsiLdProperty(a.Name, a.Value)),
                    cancellationToken).ConfigureAwait(false);
                return;
            }

            await write.SendAsync(_replier, cancellationToken).ConfigureAwait(false);
        }
        catch (WriteBackException e)
        {
            Counters.Error(e.Message);
        }
    }
}
