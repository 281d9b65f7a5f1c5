using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Connector.Internal;

/// <summary>Closes a keep-alive connection after its n-th request: the answer says <c>Connection: close</c>.</summary>
internal static class ConnectionRequestLimit
{
    private static readonly object Key = new();

    public static void Apply(HttpContext context, int limit)
    {
        if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
        {
            return;
        }

        var count = items.TryGetValue(Key, out var box) ? (StrongBox<int>)box! : (StrongBox<int>)(items[Key] = new StrongBox<int>());
        if (++count.Value >= limit)
        {
            context.Response.Headers.Connection = "close";
        }
    }
}
