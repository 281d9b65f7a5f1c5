using System.Collections.Concurrent;
using System.Text.Json;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>
/// <c>GET/DELETE /statistics</c> as Orion answers them: uptime and the measuring interval always, and, when
/// <see cref="BrokerOptions.StatisticsCounters"/> is on (Orion's <c>-statCounters</c>), the requests per resource and
/// method and per payload kind.
/// </summary>
internal sealed class BrokerStatistics(bool counters, TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private readonly ConcurrentDictionary<(string Resource, string Method), long> _requests = new();
    private DateTimeOffset _since = time.GetUtcNow();
    private long _json;
    private long _text;
    private long _noPayload;

    public bool Counting => counters;

    /// <summary>Orion's name of a route pattern in the counters.</summary>
    public static string Resource(string pattern) => pattern switch
    {
        "/v2/entities/{entityId}" or "/v2/entities/{entityId}/attrs" => "/v2/entities/{id}[/attrs]",
        _ => pattern.Replace("{entityId}", "{id}", StringComparison.Ordinal).Replace("{attrName}", "{name}", StringComparison.Ordinal)
            .Replace("{entityType}", "{type}", StringComparison.Ordinal).Replace("{subscriptionId}", "{id}", StringComparison.Ordinal).Replace("{registrationId}", "{id}", StringComparison.Ordinal),
    };

    /// <summary>Counts one request to <paramref name="resource"/> (from <see cref="Resource"/>).</summary>
    public void Count(Microsoft.AspNetCore.Http.HttpContext context, string resource)
    {
        if (!counters)
        {
            return;
        }

        var request = context.Request;
        _requests.AddOrUpdate((resource, request.Method), 1, (_, n) => n + 1);
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
        {
            Interlocked.Increment(ref _noPayload);
        }
        else if (request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true)
        {
            Interlocked.Increment(ref _text);
        }
        else
        {
            Interlocked.Increment(ref _json);
        }
    }

    public void Reset()
    {
        _requests.Clear();
        Interlocked.Exchange(ref _json, 0);
        Interlocked.Exchange(ref _text, 0);
        Interlocked.Exchange(ref _noPayload, 0);
        _since = time.GetUtcNow();
    }

    public void Write(Utf8JsonWriter writer)
    {
        var now = time.GetUtcNow();
        writer.WriteStartObject();
        if (counters)
        {
            writer.WriteStartObject("counters");
            WriteNonZero(writer, "jsonRequests", Interlocked.Read(ref _json));
            WriteNonZero(writer, "noPayloadRequests", Interlocked.Read(ref _noPayload));
            var requests = _requests.ToArray();
            if (requests.Length > 0)
            {
                writer.WriteStartObject("requests");
                foreach (var resource in requests.GroupBy(r => r.Key.Resource).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    writer.WriteStartObject(resource.Key);
                    foreach (var method in resource.OrderBy(r => r.Key.Method, StringComparer.Ordinal))
                    {
                        writer.WriteNumber(method.Key.Method, method.Value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            WriteNonZero(writer, "textRequests", Interlocked.Read(ref _text));
            writer.WriteEndObject();
        }

        writer.WriteNumber("measuring_interval_in_secs", (long)(now - _since).TotalSeconds);
        writer.WriteNumber("uptime_in_secs", (long)(now - _started).TotalSeconds);
        writer.WriteEndObject();
    }

    private static void WriteNonZero(Utf8JsonWriter writer, string name, long value)
    {
        if (value > 0)
        {
            writer.WriteNumber(name, value);
        }
    }
}
