namespace NgsiFlow.Connector.Internal;

/// <summary>
/// The innermost handler under the client's retry policy: every attempt passes here, so a request seen twice was
/// retried. That is how the connector counts retries without owning the policy.
/// </summary>
internal sealed class AttemptCounter(string broker, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly HttpRequestOptionsKey<bool> Attempted = new("NgsiFlow.Connector.Attempted");
    private long _retries;

    public long Retries => Interlocked.Read(ref _retries);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(Attempted, out var seen) && seen)
        {
            Interlocked.Increment(ref _retries);
            ConnectorInstruments.WriteBacksRetried.Add(1, new KeyValuePair<string, object?>("broker", broker), new KeyValuePair<string, object?>("http.request.method", request.Method.Method));
        }
        else
        {
            request.Options.Set(Attempted, true);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
