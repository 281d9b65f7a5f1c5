namespace NgsiFlow.Connector.Internal;

/// <summary>
/// Which write-backs the HTTP client may send again after a failure it cannot see the end of (a 5xx, a timeout, a
/// cut connection): those whose repeat leaves the broker as one send would. Creating an entity or a subscription
/// and appending strictly are not: a first attempt that reached the broker makes the repeat fail (422) or create a
/// second subscription, so they are sent once and their failure is reported.
/// </summary>
internal static class WriteSafety
{
    public static bool IsSafeToRepeat(HttpMethod method, string path)
    {
        if (method != HttpMethod.Post)
        {
            return true; // PATCH, PUT, DELETE: the same request twice gives the same state.
        }

        var query = path.IndexOf('?', StringComparison.Ordinal);
        var resource = (query < 0 ? path : path[..query]).Trim('/');
        var options = query < 0 ? string.Empty : path[(query + 1)..];
        if (options.Contains("options=append", StringComparison.Ordinal) || options.Contains(",append", StringComparison.Ordinal))
        {
            return false; // append strict: the second attempt finds the attributes and is refused
        }

        return resource switch
        {
            "v2/entities" => options.Contains("upsert", StringComparison.Ordinal),
            "v2/subscriptions" or "ngsi-ld/v1/subscriptions" or "v2/registrations" or "ngsi-ld/v1/csourceRegistrations" => false,
            "ngsi-ld/v1/entities" => false,
            "ngsi-ld/v1/entityOperations/create" => false,
            "v2/op/update" => true, // the replier's batches are append, update or upsert: repeating them is harmless
            _ => true, // attribute appends (POST .../attrs), upserts
        };
    }
}
