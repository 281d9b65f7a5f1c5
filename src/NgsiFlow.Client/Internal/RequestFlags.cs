namespace NgsiFlow.Client.Internal;

/// <summary>Per-request flags the handlers read from <see cref="HttpRequestMessage.Options"/>.</summary>
internal static class RequestFlags
{
    /// <summary>True on a POST the client knows is safe to repeat (queries, upserts, idempotent batch actions).</summary>
    public static readonly HttpRequestOptionsKey<bool> SafeToRetry = new("NgsiFlow.SafeToRetry");

    public static bool IsRetryable(HttpRequestMessage request, bool retryNonIdempotent)
    {
        var method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete
            || method == HttpMethod.Options || method == HttpMethod.Patch)
        {
            return true;
        }

        return retryNonIdempotent || (request.Options.TryGetValue(SafeToRetry, out var safe) && safe);
    }
}
