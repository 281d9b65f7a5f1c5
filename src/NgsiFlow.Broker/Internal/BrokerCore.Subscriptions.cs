using System.Security.Cryptography;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;
using NgsiFlow.Broker.Internal.Store;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal;

/// <summary>Subscription create, update and delete.</summary>
internal sealed partial class BrokerCore
{
    private static int s_idCounter = RandomNumberGenerator.GetInt32(0, 0xFFFFFF);
    private static readonly byte[] ProcessRandom = RandomNumberGenerator.GetBytes(5);

    /// <summary>A 24-hex-digit id shaped like Orion's (MongoDB ObjectId): time, process random, counter.</summary>
    public static string NewSubscriptionId()
    {
        Span<byte> bytes = stackalloc byte[12];
        var seconds = (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        ProcessRandom.CopyTo(bytes[4..]);
        var counter = Interlocked.Increment(ref s_idCounter);
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    public async ValueTask<Subscription> CreateSubscriptionAsync(TenantIndex tenant, string? servicePathHeader, object? body, CancellationToken cancellationToken)
    {
        if (body is not JsonMap definition)
        {
            throw OrionException.Parse();
        }

        var (servicePath, scope) = SubscriptionScope(servicePathHeader);
        var subscription = SubscriptionParser.Parse(definition, NewSubscriptionId(), tenant.Name, servicePath, scope, Dates.Now());
        await _store.SaveSubscriptionAsync(tenant.Name, subscription, cancellationToken).ConfigureAwait(false);
        tenant.AddSubscription(subscription);
        return subscription;
    }

    public async ValueTask UpdateSubscriptionAsync(TenantIndex tenant, string id, string? servicePathHeader, object? body, CancellationToken cancellationToken)
    {
        var current = tenant.FindSubscription(id) ?? throw SubscriptionNotFound();
        if (body is not JsonMap patch)
        {
            throw OrionException.Parse();
        }

        if (patch.Count == 0)
        {
            throw OrionException.BadRequest("empty payload");
        }

        var merged = new JsonMap();
        merged.AddRange(current.Definition);
        if ((current.Status == "oneshot" && current.OneshotFired) || current.DisabledByFailures)
        {
            // A oneshot that notified, or a subscription whose failures passed maxFailsLimit, is inactive as Orion
            // stores it, unless this PATCH sets a status.
            merged.Set("status", "inactive");
        }

        foreach (var pair in patch)
        {
            merged.Set(pair.Key, pair.Value);
        }

        // As Orion, a PATCH moves the subscription to the request's service path (everywhere, /#, without one).
        var (servicePath, scope) = SubscriptionScope(servicePathHeader);
        var replacement = SubscriptionParser.Parse(merged, current.Id, current.Tenant, servicePath, scope, current.Created);
        replacement.CopyCountersFrom(current);
        replacement.Revision = current.Revision + 1;

        await _store.SaveSubscriptionAsync(tenant.Name, replacement, cancellationToken).ConfigureAwait(false);
        tenant.AddSubscription(replacement);
        tenant.RemoveSubscription(current);
        current.Retired = true;
        _dispatcher.Retire(current);
    }

    public async ValueTask DeleteSubscriptionAsync(TenantIndex tenant, string id, CancellationToken cancellationToken)
    {
        var current = tenant.FindSubscription(id) ?? throw SubscriptionNotFound();
        await _store.DeleteSubscriptionAsync(tenant.Name, id, cancellationToken).ConfigureAwait(false);
        tenant.RemoveSubscription(current);
        current.Retired = true;
        _dispatcher.Retire(current);
    }

    public static OrionException SubscriptionNotFound() => OrionException.NotFound("The requested subscription has not been found. Check id");

    /// <summary>The service path a subscription made with this header has: the one path given, or <c>/#</c>.</summary>
    public static string SubscriptionServicePath(string? header) => SubscriptionScope(header).Text;

    private static (string Text, ServicePathScope Scope) SubscriptionScope(string? header)
    {
        var scope = ServicePathScope.Parse(header, forUpdate: false, "/#");
        if (header is not null && header.Contains(',', StringComparison.Ordinal))
        {
            throw OrionException.BadRequest("max one service-path allowed for subscriptions");
        }

        return (scope.Text, scope);
    }
}
