using System.Diagnostics.Metrics;

namespace NgsiFlow.Client.Internal;

/// <summary>The instruments of the <c>NgsiFlow.Client</c> meter, shared by every client in the process.</summary>
internal static class ClientMetrics
{
    public const string MeterName = "NgsiFlow.Client";

    private static readonly Meter Meter = new(MeterName, "0.1.0");

    /// <summary>Calls made (one per call, whatever its retries).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("ngsiflow.client.requests", "{request}", "Calls made to the broker.");

    /// <summary>Extra attempts after a transient failure.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("ngsiflow.client.retries", "{retry}", "Repeated attempts after a 5xx, 429, timeout or connection failure.");

    /// <summary>Calls that finally failed (non-2xx answer after retries, timeout or no connection).</summary>
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("ngsiflow.client.failures", "{request}", "Calls that failed after their retries.");

    /// <summary>Duration of a call including its retries.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("ngsiflow.client.request.duration", "ms", "Duration of a call to the broker, retries included.");

    /// <summary>Access tokens obtained from the token endpoint.</summary>
    public static readonly Counter<long> TokenRefreshes = Meter.CreateCounter<long>("ngsiflow.client.token.refreshes", "{token}", "OAuth2 tokens obtained.");
}
