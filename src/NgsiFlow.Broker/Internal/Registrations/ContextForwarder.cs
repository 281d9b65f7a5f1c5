using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Registrations;

/// <summary>
/// Sends forwarded queries (<c>POST {url}/op/query</c>) and updates (<c>POST {url}/op/update</c>) to context providers,
/// as Orion's NGSIv2-based forwarding does: the registration's service path, the tenant, and the request's correlator
/// marked <c>; cbfwd=1</c>. A provider that fails, times out or answers something unreadable is logged and counts
/// as having nothing; the client's request never fails because of it.
/// </summary>
internal sealed partial class ContextForwarder : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public ContextForwarder(TimeSpan timeout, int limit, int maxPayloadBytes, ILogger logger)
    {
        Limit = limit;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false })
        {
            Timeout = timeout,
            MaxResponseContentBufferSize = maxPayloadBytes,
        };
        _logger = logger;
    }

    /// <summary>The most forwarded requests one client request may cause (<see cref="BrokerOptions.ForwardLimit"/>); 0 for none.</summary>
    public int Limit { get; }

    /// <summary>Whether a request in <paramref name="tenant"/> may reach any context provider at all.</summary>
    public bool Reaches(Store.TenantIndex tenant) => Limit > 0 && !tenant.Registrations.IsEmpty;

    /// <summary>Forwarded requests sent, for tests and the admin surface.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    private long _sent;

    /// <summary>Forwards a query; the provider's entities, or null when it failed.</summary>
    public async Task<ProviderAnswer?> QueryAsync(Registration registration, IReadOnlyList<RegisteredEntity> entities, IReadOnlyList<string> attrs, int limit, string tenant, string correlator, CancellationToken cancellationToken)
    {
        var body = Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("entities");
            foreach (var entity in entities)
            {
                RegistrationWriter.WriteSelector(writer, entity);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("attrs");
            foreach (var attr in attrs)
            {
                writer.WriteStringValue(attr);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        var url = registration.Url.TrimEnd('/') + "/op/query?limit=" + limit.ToString(CultureInfo.InvariantCulture) + "&offset=0&options=count";
        var answer = await SendAsync(registration, url, body, tenant, correlator, cancellationToken).ConfigureAwait(false);
        if (answer is not { Status: 200 } ok)
        {
            return null;
        }

        try
        {
            if (JsonValues.Parse(ok.Body) is not List<object?> items)
            {
                LogUnreadable(_logger, registration.Id, registration.Url, "the answer is not a JSON array of entities");
                return null;
            }

            var result = new List<ParsedEntity>(items.Count);
            foreach (var item in items)
            {
                result.Add(PayloadReader.ReadEntity(item, keyValues: false));
            }

            // options=count asks the provider how many it holds in all; one that does not say holds what it sent.
            return new ProviderAnswer(result, Math.Max(ok.Total ?? result.Count, result.Count));
        }
        catch (Exception e) when (e is OrionException or JsonException or FormatException or InvalidOperationException)
        {
            LogUnreadable(_logger, registration.Id, registration.Url, e.Message);
            return null;
        }
    }

    /// <summary>Forwards an update of one entity's attributes; true when the provider answered 204, as Orion requires.</summary>
    public async Task<bool> UpdateAsync(Registration registration, string id, string? type, IReadOnlyList<ParsedAttribute> attributes, string tenant, string correlator, CancellationToken cancellationToken)
    {
        var body = Render(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("actionType", "update");
            writer.WriteStartArray("entities");
            writer.WriteStartObject();
            writer.WriteString("id", id);
            if (type is not null)
            {
                writer.WriteString("type", type);
            }

            foreach (var attribute in attributes)
            {
                writer.WritePropertyName(attribute.Name);
                var stored = attribute.ToAttribute(default);
                EntityWriter.WriteNormalizedAttribute(writer, stored.Type, stored.Value, stored, null, null);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        var answer = await SendAsync(registration, registration.Url.TrimEnd('/') + "/op/update", body, tenant, correlator, cancellationToken).ConfigureAwait(false);
        return answer is { Status: 204 };
    }

    private async Task<(int Status, byte[] Body, long? Total)?> SendAsync(Registration registration, string url, byte[] body, string tenant, string correlator, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sent);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.TryAddWithoutValidation("Fiware-Servicepath", registration.ServicePath);
        if (tenant.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Fiware-Service", tenant);
        }

        request.Headers.TryAddWithoutValidation("Fiware-Correlator", correlator + "; cbfwd=1");
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or >= 300)
            {
                LogFailed(_logger, registration.Id, url, "HTTP " + status.ToString(CultureInfo.InvariantCulture));
            }

            long? total = response.Headers.TryGetValues("Fiware-Total-Count", out var counts)
                && long.TryParse(counts.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            return (status, content, total);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, registration.Id, url, e is TaskCanceledException ? "timeout" : e.Message);
            return null;
        }
    }

    private static byte[] Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, BrokerCore.WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding for registration {Registration} to {Url} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string registration, string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Context provider of registration {Registration} at {Url} answered what cannot be read: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string registration, string url, string reason);
}

/// <summary>What a provider answered to a forwarded query: the entities it sent and how many match in all.</summary>
internal sealed record ProviderAnswer(List<ParsedEntity> Entities, long Total);
