using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>Request reading and response writing with Orion's wire rules (headers, limits, error bodies).</summary>
internal static class HttpIo
{
    public const string CorrelatorHeader = "Fiware-Correlator";

    /// <summary>Shared by requests without options; callers only read it.</summary>
    private static readonly HashSet<string> NoOptions = new(StringComparer.Ordinal);

    /// <summary>The request's correlator (echoed from the client or new), already set on the response.</summary>
    public static string Correlator(HttpContext context)
    {
        var correlator = context.Request.Headers[CorrelatorHeader].ToString();
        if (correlator.Length == 0)
        {
            correlator = Guid.NewGuid().ToString();
        }

        context.Response.Headers[CorrelatorHeader] = correlator;
        return correlator;
    }

    /// <summary>The Fiware-Service tenant, lower-cased as Orion stores it; empty for the default tenant.</summary>
    public static string Tenant(HttpContext context)
    {
        var tenant = context.Request.Headers["Fiware-Service"].ToString();
        if (tenant.Length == 0)
        {
            return string.Empty;
        }

        if (tenant.Length > 50 || !tenant.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw OrionException.BadRequest("bad character in tenant name");
        }

        return tenant.Any(char.IsAsciiLetterUpper) ? tenant.ToLowerInvariant() : tenant;
    }

    public static string? ServicePathHeader(HttpContext context)
    {
        var value = context.Request.Headers["Fiware-ServicePath"].ToString();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Scope for queries: several paths, recursive allowed, default <c>/#</c>... Orion searches everywhere.</summary>
    public static ServicePathScope QueryScope(HttpContext context) => ServicePathScope.Parse(ServicePathHeader(context), forUpdate: false, "/#");

    /// <summary>The single service path of an update, default <c>/</c>.</summary>
    public static string UpdatePath(HttpContext context) => ServicePathScope.Parse(ServicePathHeader(context), forUpdate: true, "/").Single;

    /// <summary>Parsed <c>options</c> parameter, each checked against what the operation accepts.</summary>
    public static HashSet<string> Options(HttpContext context, params string[] allowed)
    {
        var text = context.Request.Query["options"].ToString();
        if (text.Length == 0)
        {
            return NoOptions;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);

        foreach (var option in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!allowed.Contains(option))
            {
                throw OrionException.BadRequest("Invalid value for URI param /options/");
            }

            set.Add(option);
        }

        if (set.Contains("keyValues") && (set.Contains("values") || set.Contains("unique")))
        {
            throw OrionException.BadRequest("Invalid value for URI param /options/");
        }

        return set;
    }

    /// <summary>A query parameter, checked for forbidden characters.</summary>
    public static string? Param(HttpContext context, string name)
    {
        var value = context.Request.Query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        FieldRules.CheckUriParam(value);
        return value;
    }

    public static List<string>? ListParam(HttpContext context, string name) =>
        Param(context, name)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>Reads the JSON payload with Orion's checks: content type, length required, 1 MB limit, valid JSON.</summary>
    public static async ValueTask<object?> ReadJsonAsync(HttpContext context, int maxBytes)
    {
        var (buffer, length) = await ReadBodyAsync(context, maxBytes, allowText: false).ConfigureAwait(false);
        try
        {
            return JsonValues.Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the raw payload; the caller returns the buffer to the shared pool.</summary>
    public static async ValueTask<(byte[] Buffer, int Length)> ReadBodyAsync(HttpContext context, int maxBytes, bool allowText)
    {
        var request = context.Request;
        var contentType = request.ContentType;
        var declared = request.ContentLength;
        if (declared is 0 || (declared is null && contentType is null))
        {
            throw new OrionException(411, "ContentLengthRequired", "Zero/No Content-Length in PUT/POST/PATCH request");
        }

        var mediaType = contentType is null ? string.Empty : contentType.Split(';', 2)[0].Trim();
        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
        var isText = mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
        if (!isJson && !(allowText && isText))
        {
            throw new OrionException(415, "UnsupportedMediaType", "not supported content type: " + (contentType ?? string.Empty));
        }

        if (declared > maxBytes)
        {
            throw new OrionException(413, "RequestEntityTooLarge", string.Create(CultureInfo.InvariantCulture, $"payload size: {declared}, max size supported: {maxBytes}"));
        }

        var capacity = (int)(declared ?? 4096);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes)
                    {
                        break;
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        if (length > maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new OrionException(413, "RequestEntityTooLarge", string.Create(CultureInfo.InvariantCulture, $"payload size: {length}, max size supported: {maxBytes}"));
        }

        if (length == 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new OrionException(411, "ContentLengthRequired", "Zero/No Content-Length in PUT/POST/PATCH request");
        }

        return (buffer, length);
    }

    public static Task WriteErrorAsync(HttpContext context, OrionException error) =>
        WriteJsonAsync(context, error.Status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", error.Error);
            writer.WriteString("description", error.Description);
            writer.WriteEndObject();
        });

    public static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, BrokerCore.WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = status;
        SetReasonPhrase(context, status);
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>RFC 9110's names, as Orion sends them, where Kestrel still uses RFC 7231's.</summary>
    public static void SetReasonPhrase(HttpContext context, int status)
    {
        var phrase = status switch
        {
            422 => "Unprocessable Content",
            413 => "Content Too Large",
            _ => null,
        };
        if (phrase is not null && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>() is { } feature)
        {
            feature.ReasonPhrase = phrase;
        }
    }

    public static Task WriteTextAsync(HttpContext context, int status, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }

    public static void NoContent(HttpContext context) => context.Response.StatusCode = 204;

    /// <summary>limit/offset as Orion validates them.</summary>
    public static (int Limit, int Offset) Pagination(HttpContext context)
    {
        var limit = 20;
        var offset = 0;
        var limitText = context.Request.Query["limit"].ToString();
        if (limitText.Length > 0)
        {
            // As Orion: digits only, at most 1000; 0 is a page of nothing (with Fiware-Total-Count when asked).
            if (!limitText.All(char.IsAsciiDigit))
            {
                throw OrionException.BadRequest($"Bad pagination limit: /{limitText}/ [must be a positive integer number]");
            }

            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > 1000)
            {
                throw OrionException.BadRequest($"Bad pagination limit: /{limitText}/ [max: 1000]");
            }
        }

        var offsetText = context.Request.Query["offset"].ToString();
        if (offsetText.Length > 0 && !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw OrionException.BadRequest($"Bad pagination offset: /{offsetText}/ [must be a decimal number]");
        }

        return (limit, offset);
    }
}
