using Microsoft.Extensions.Diagnostics.HealthChecks;
using NgsiFlow.Client;

namespace NgsiFlow.Connector;

/// <summary>Healthy when the broker answers within 2 s (NGSI-v2 <c>/version</c>, NGSI-LD a subscription listing).</summary>
/// <param name="broker">The broker the process subscribes on and writes back to.</param>
public sealed class BrokerHealthCheck(BrokerConnection broker) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            if (broker.V2Client is { } v2)
            {
                await v2.GetVersionAsync(timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await broker.LdClient!.ListSubscriptionsAsync(broker.DefaultFiware, timeout.Token).GetAsyncEnumerator(timeout.Token).MoveNextAsync().ConfigureAwait(false);
            }

            return HealthCheckResult.Healthy($"broker {broker.BaseAddress} answers");
        }
        catch (Exception e) when (e is NgsiClientException or HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"broker {broker.BaseAddress} does not answer: {e.Message}");
        }
    }
}
