using System.Net;
using System.Text;

namespace NgsiFlow.Client.Tests.Infrastructure;

/// <summary>
/// Stands between the client and the real broker: the first <c>failures</c> requests get the given status
/// (with an Orion error body) without reaching the broker; later ones go through.
/// </summary>
public sealed class FailFirstHandler(int failures, HttpStatusCode status = HttpStatusCode.ServiceUnavailable, string? retryAfter = null)
    : DelegatingHandler(new SocketsHttpHandler())
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) > failures)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent("""{"error":"ServiceUnavailable","description":"broker overloaded"}""", Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return Task.FromResult(response);
    }
}
