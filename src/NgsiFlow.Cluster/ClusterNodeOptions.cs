using System.Globalization;
using System.Net;
using NgsiFlow.Connector;
using Orleans.Hosting;

namespace NgsiFlow.Cluster;

/// <summary>
/// The settings of one cluster node: which jobs it serves, where the store is (Redis holds both the membership table and
/// the grains' state), its silo endpoint, its notification receiver and the broker it writes back to. Every node of a
/// cluster uses the same jobs, <see cref="ClusterId"/>, <see cref="ServiceId"/> and store.
/// </summary>
public sealed class ClusterNodeOptions
{
    /// <summary>The jobs every node of the cluster knows.</summary>
    public ClusterJobRegistry Jobs { get; } = new();

    /// <summary>The names of the jobs this node receives notifications for; empty for every registered job.</summary>
    public IList<string> Serve { get; } = [];

    /// <summary>
    /// The Redis server (StackExchange.Redis configuration string, for example <c>redis:6379,password=...</c>) holding the
    /// membership table and the grains' state. Run it with <c>appendonly yes</c> and <c>appendfsync always</c> so that
    /// what a node acknowledged survives a Redis restart. Null only when <see cref="ConfigureSilo"/> sets up clustering and
    /// a grain storage named <see cref="StorageName"/> itself (for example Orleans' ADO.NET providers).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Names the cluster in the membership table: nodes with the same id form one cluster. Default "ngsiflow".</summary>
    public string ClusterId { get; set; } = "ngsiflow";

    /// <summary>Names the service in the grains' storage keys: keep it across redeployments so that state carries over. Default "ngsiflow".</summary>
    public string ServiceId { get; set; } = "ngsiflow";

    /// <summary>The address other nodes reach this node's silo on. Default 127.0.0.1.</summary>
    public IPAddress AdvertisedAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The notification receiver (port, public URL written into the subscriptions, credentials, limits).</summary>
    public ReceiverOptions Receiver { get; set; } = new();

    /// <summary>The broker the jobs write back to and subscribe on.</summary>
    public BrokerConnection? Broker { get; set; }

    /// <summary>Write-back settings.</summary>
    public ReplierOptions Replier { get; set; } = new();

    /// <summary>Make the jobs' subscriptions on <see cref="Broker"/> (one per cluster, made by a singleton grain). Default true.</summary>
    public bool Subscribe { get; set; } = true;

    /// <summary>How often each node asks the singleton to check and renew the subscriptions. Default 60 s.</summary>
    public TimeSpan SubscriptionCheck { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the receiver holds a notification while the cluster cannot commit it (a node lost, the store down)
    /// before it answers 503. Default 10 s.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a silo waits for a probe answer; after <see cref="MissedProbes"/> missed probes the other silos vote
    /// the silo dead and its keys move. Default 1 s (Orleans' default is 5 s): a killed node's keys resume in about
    /// 3-5 s, at the price of declaring a node dead that stalls for longer than that (a long GC pause, a saturated host).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo suspects another. Default 3.</summary>
    public int MissedProbes { get; set; } = 3;

    /// <summary>
    /// How long a grain call may take before it fails and the receiver retries it. Default 5 s (Orleans' default is
    /// 30 s), so a call to a node that died is retried well within <see cref="CommitTimeout"/>.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A grain that has not heard from the store for this long reads its state again before it sends a write-back, and
    /// stops if another activation wrote since (a paused node waking up). Default 2 s, below the failure-detection time.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Any further silo configuration (another clustering or storage provider, dashboards); runs after NgsiFlow's.</summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>The grain storage the key grains use; a provider of this name must exist when <see cref="Redis"/> is null.</summary>
    public const string StorageName = "ngsiflow";

    /// <summary>Checks every setting; throws one <see cref="ArgumentException"/> listing each bad value.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!Jobs.Jobs.Any())
        {
            errors.Add("ClusterNodeOptions.Jobs is empty: register at least one job.");
        }

        foreach (var name in Serve)
        {
            if (!Jobs.Names.Contains(name, StringComparer.Ordinal))
            {
                errors.Add($"ClusterNodeOptions.Serve names '{name}', which is not registered (known: {string.Join(", ", Jobs.Names)}).");
            }
        }

        if (Redis is null && ConfigureSilo is null)
        {
            errors.Add("ClusterNodeOptions.Redis is required (or ConfigureSilo must set up clustering and the grain storage).");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            errors.Add("ClusterNodeOptions.ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            errors.Add("ClusterNodeOptions.ServiceId must not be empty.");
        }

        if (SiloPort is < 1 or > 65535)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"ClusterNodeOptions.SiloPort must be between 1 and 65535 (was {SiloPort})."));
        }

        if (Broker is null)
        {
            errors.Add("ClusterNodeOptions.Broker is required: the jobs write back to it.");
        }

        Check(errors, nameof(SubscriptionCheck), SubscriptionCheck, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Check(errors, nameof(CommitTimeout), CommitTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Check(errors, nameof(ProbeTimeout), ProbeTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Check(errors, nameof(CallTimeout), CallTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Check(errors, nameof(Lease), Lease, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        if (MissedProbes is < 1 or > 20)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"ClusterNodeOptions.MissedProbes must be between 1 and 20 (was {MissedProbes})."));
        }

        try
        {
            Receiver.Validate();
        }
        catch (ArgumentException e)
        {
            errors.Add(e.Message);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    private static void Check(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"ClusterNodeOptions.{name} must be between {min} and {max} (was {value})."));
        }
    }
}
