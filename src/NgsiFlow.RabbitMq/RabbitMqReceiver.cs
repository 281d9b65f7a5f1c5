using NgsiFlow.Client;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.RabbitMq;

/// <summary>
/// A receiver process in distributed mode: the notification endpoint for one job, publishing every accepted event to
/// RabbitMQ (2xx only after RabbitMQ confirmed), plus the job's subscriptions on the context broker, created at start
/// and deleted at a graceful stop. Receivers hold no job state, so any number can run behind a load balancer.
/// </summary>
/// <example>
/// <code>
/// await using var receiver = await RabbitMqReceiver.StartAsync(rabbit, JobRegistry.Default.Get("running-sum"),
///     new ReceiverOptions { Port = 9100, PublicBaseUrl = new("http://receiver:9100") }, BrokerConnection.V2(new Uri("http://orion:1026")), ct);
/// </code>
/// </example>
public sealed class RabbitMqReceiver : IAsyncDisposable
{
    private readonly List<(string Id, FiwareContext? Fiware)> _subscriptions = [];
    private readonly BrokerConnection? _broker;
    private int _stopped;

    private RabbitMqReceiver(NgsiReceiver receiver, RabbitMqNotificationTarget target, ReceiverRoute route, BrokerConnection? broker)
    {
        Receiver = receiver;
        Target = target;
        Route = route;
        _broker = broker;
    }

    /// <summary>The HTTP receiver.</summary>
    public NgsiReceiver Receiver { get; }

    /// <summary>The RabbitMQ publisher behind it.</summary>
    public RabbitMqNotificationTarget Target { get; }

    /// <summary>The job's route: its notification URL is <see cref="ReceiverRoute.NotifyUrl"/>.</summary>
    public ReceiverRoute Route { get; }

    /// <summary>The ids of the subscriptions created on the broker.</summary>
    public IReadOnlyList<string> SubscriptionIds => [.. _subscriptions.Select(s => s.Id)];

    /// <summary>Connects to RabbitMQ (declaring the topology), starts the receiver and creates the job's subscriptions.</summary>
    /// <param name="rabbitMq">Where RabbitMQ is.</param>
    /// <param name="job">The job: its name routes notifications, its subscriptions are created on <paramref name="broker"/>.</param>
    /// <param name="receiverOptions">Port, public URL, security of the endpoint.</param>
    /// <param name="broker">The NGSI-v2 broker to subscribe on; null to configure subscriptions by hand (notify <c>{public URL}/notify/{job}</c>).</param>
    /// <param name="cancellationToken">Aborts the start.</param>
    /// <returns>The running receiver.</returns>
    /// <exception cref="RabbitMqUnreachableException">RabbitMQ cannot be reached.</exception>
    public static async Task<RabbitMqReceiver> StartAsync(RabbitMqOptions rabbitMq, DistributedJob job, ReceiverOptions receiverOptions, BrokerConnection? broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(receiverOptions);
        receiverOptions.Validate();
        var target = await RabbitMqNotificationTarget.StartAsync(rabbitMq, job, cancellationToken).ConfigureAwait(false);
        NgsiReceiver? http = null;
        try
        {
            http = await NgsiReceiver.StartAsync(receiverOptions, cancellationToken).ConfigureAwait(false);
            var route = http.AddJob(job.Name, target);
            var receiver = new RabbitMqReceiver(http, target, route, broker);
            if (broker is not null)
            {
                if (broker.V2Client is not { } client)
                {
                    throw new ArgumentException("Managed subscriptions of the distributed receiver need an NGSI-v2 broker; subscribe an NGSI-LD broker by hand to " + route.NotifyUrl, nameof(broker));
                }

                foreach (var request in job.Subscriptions)
                {
                    request.Validate(broker.Api);
                    var id = await client.CreateSubscriptionAsync(ToV2(job.Name, request, route.NotifyUrl), request.Fiware, cancellationToken).ConfigureAwait(false);
                    receiver._subscriptions.Add((id, request.Fiware));
                }
            }

            return receiver;
        }
        catch
        {
            if (http is not null)
            {
                await http.DisposeAsync().ConfigureAwait(false);
            }

            await target.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static NgsiV2Subscription ToV2(string job, SubscriptionRequest request, Uri url) => new()
    {
        Description = $"ngsiflow job {job}, subscription {request.Name}",
        Subject = new NgsiV2SubscriptionSubject
        {
            Entities = [.. request.Entities.Select(e => new NgsiV2EntitySelector
            {
                Id = e.Id,
                IdPattern = e.Id is null ? e.IdPattern ?? ".*" : null,
                Type = e.Type,
                TypePattern = e.TypePattern,
            })],
            Condition = request.ConditionAttributes.Count == 0 && request.Expression is null
                ? null
                : new NgsiV2SubscriptionCondition
                {
                    Attrs = request.ConditionAttributes.Count == 0 ? null : request.ConditionAttributes,
                    Q = request.Expression,
                },
        },
        Notification = new NgsiV2SubscriptionNotification
        {
            Http = new NgsiV2HttpNotification(url.ToString()),
            Attrs = request.Attributes.Count == 0 ? null : request.Attributes,
            ExceptAttrs = request.ExceptAttributes.Count == 0 ? null : request.ExceptAttributes,
            AttrsFormat = request.Format switch
            {
                NotificationFormat.V2KeyValues => NgsiV2AttrsFormat.KeyValues,
                NotificationFormat.V2Values => NgsiV2AttrsFormat.Values,
                NotificationFormat.V2SimplifiedNormalized => NgsiV2AttrsFormat.SimplifiedNormalized,
                NotificationFormat.V2SimplifiedKeyValues => NgsiV2AttrsFormat.SimplifiedKeyValues,
                _ => NgsiV2AttrsFormat.Normalized,
            },
        },
        Throttling = request.Throttling?.TotalSeconds,
        Expires = request.Lifetime is { } lifetime ? DateTimeOffset.UtcNow + lifetime : null,
    };

    /// <summary>Deletes the subscriptions, answers the requests in flight (each after its publish was confirmed) and
    /// closes the RabbitMQ connection.</summary>
    /// <param name="cancellationToken">Turns the stop into a hard one.</param>
    /// <returns>Completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_broker?.V2Client is { } client)
        {
            foreach (var (id, fiware) in _subscriptions)
            {
                try
                {
                    await client.DeleteSubscriptionAsync(id, fiware, cancellationToken).ConfigureAwait(false);
                }
                catch (NgsiClientException)
                {
                    // Already gone (deleted by hand, or the broker restarted without it).
                }
            }
        }

        await Receiver.StopAsync(cancellationToken).ConfigureAwait(false);
        await Target.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops (gracefully when still running) and releases everything.</summary>
    /// <returns>Completes when released.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Receiver.DisposeAsync().ConfigureAwait(false);
    }
}
