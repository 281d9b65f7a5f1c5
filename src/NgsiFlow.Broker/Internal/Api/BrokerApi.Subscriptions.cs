using System.Globalization;
using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>/v2/subscriptions.</summary>
internal sealed partial class BrokerApi
{
    private Task ListSubscriptionsAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var options = HttpIo.Options(context, "count");
        var (limit, offset) = HttpIo.Pagination(context);
        var servicePath = BrokerCore.SubscriptionServicePath(HttpIo.ServicePathHeader(context));
        var all = servicePath == "/#" ? tenant.Subscriptions : [.. tenant.Subscriptions.Where(s => s.ServicePath == servicePath)];
        if (options.Contains("count"))
        {
            context.Response.Headers["Fiware-Total-Count"] = all.Length.ToString(CultureInfo.InvariantCulture);
        }

        var now = DateTime.UtcNow;
        return HttpIo.WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartArray();
            foreach (var subscription in all.OrderBy(s => s.Created).ThenBy(s => s.Id, StringComparer.Ordinal).Skip(offset).Take(limit))
            {
                SubscriptionWriter.Write(writer, subscription, now);
            }

            writer.WriteEndArray();
        });
    }

    private async Task CreateSubscriptionAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        HttpIo.Options(context);
        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        var subscription = await _core.CreateSubscriptionAsync(tenant, HttpIo.ServicePathHeader(context), body, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.Location = "/v2/subscriptions/" + subscription.Id;
        context.Response.StatusCode = 201;
    }

    private Task GetSubscriptionAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var subscription = tenant.FindSubscription(RouteValue(context, "subscriptionId"));
        var header = HttpIo.ServicePathHeader(context);
        if (subscription is null || (header is not null && subscription.ServicePath != BrokerCore.SubscriptionServicePath(header)))
        {
            // As Orion: with a Fiware-ServicePath, only a subscription made in exactly that path is found.
            throw BrokerCore.SubscriptionNotFound();
        }

        return HttpIo.WriteJsonAsync(context, 200, writer => SubscriptionWriter.Write(writer, subscription, DateTime.UtcNow));
    }

    private async Task PatchSubscriptionAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        var id = RouteValue(context, "subscriptionId");
        if (tenant.FindSubscription(id) is null)
        {
            throw BrokerCore.SubscriptionNotFound();
        }

        var body = await HttpIo.ReadJsonAsync(context, _maxPayload).ConfigureAwait(false);
        await _core.UpdateSubscriptionAsync(tenant, id, HttpIo.ServicePathHeader(context), body, context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }

    private async Task DeleteSubscriptionAsync(HttpContext context, string correlator)
    {
        var tenant = _core.Tenant(HttpIo.Tenant(context));
        await _core.DeleteSubscriptionAsync(tenant, RouteValue(context, "subscriptionId"), context.RequestAborted).ConfigureAwait(false);
        HttpIo.NoContent(context);
    }
}
