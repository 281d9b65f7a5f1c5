using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Engine.Records;

namespace NgsiFlow.Connector;

/// <summary>
/// <c>POST {IngestPath}/{route}</c>: any JSON object, array of objects or JSON lines from devices, handed to the
/// route's <see cref="IRecordTarget"/> with the notification path's limits, credentials, hold and answers.
/// </summary>
public sealed partial class NgsiReceiver
{
    private readonly ConcurrentDictionary<string, IngestRoute> _ingest = new(StringComparer.Ordinal);

    /// <summary>The ingest routes registered, by name.</summary>
    public IReadOnlyDictionary<string, IngestRoute> IngestRoutes => _ingest;

    /// <summary>Registers an ingest route: records posted to <c>{IngestPath}/{route}</c> go to <paramref name="target"/>.</summary>
    /// <param name="route">The route's name, URL-safe (letters, digits, '.', '_', '-').</param>
    /// <param name="target">Where its records go (a <see cref="RecordInputTarget"/> in one process).</param>
    /// <returns>The route (URL, counters).</returns>
    /// <exception cref="ArgumentException">The name is not URL-safe.</exception>
    /// <exception cref="InvalidOperationException">A route with that name is registered already.</exception>
    public IngestRoute AddIngest(string route, IRecordTarget target)
    {
        CheckName(route, nameof(route));
        ArgumentNullException.ThrowIfNull(target);
        var added = new IngestRoute(this, route, target);
        if (!_ingest.TryAdd(route, added))
        {
            throw new InvalidOperationException($"The receiver already has an ingest route named '{route}'.");
        }

        return added;
    }

    /// <summary>Unregisters an ingest route; posts to it get 404 afterwards.</summary>
    /// <param name="route">The route's name.</param>
    /// <returns>True when it was registered.</returns>
    public bool RemoveIngest(string route) => _ingest.TryRemove(route, out _);

    private bool IsIngestPath(string? path)
    {
        var ingest = _options.IngestPath;
        return path is not null && path.StartsWith(ingest, StringComparison.Ordinal) && (path.Length == ingest.Length || path[ingest.Length] == '/');
    }

    private async ValueTask HandleIngestAsync(HttpContext context, HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await RefuseAsync(context, null, RejectReason.MethodNotAllowed, 405, "MethodNotAllowed", $"only POST is accepted here, not {request.Method}").ConfigureAwait(false);
            return;
        }

        if (!Authorized(request))
        {
            context.Response.Headers.WWWAuthenticate = _bearer is not null ? "Bearer" : "SharedSecret";
            await RefuseAsync(context, null, RejectReason.Unauthorized, 401, "Unauthorized", _bearer is not null
                ? "a valid 'Authorization: Bearer' token is required"
                : $"the '{_options.SharedSecretHeader}' header with the shared secret is required").ConfigureAwait(false);
            return;
        }

        var name = request.Path.Value.AsSpan(_options.IngestPath.Length).Trim('/');
        if (name.Length == 0 || name.Contains('/') || !_ingest.TryGetValue(name.ToString(), out var route))
        {
            await RefuseAsync(context, null, RejectReason.NotFound, 404, "NotFound", name.Length == 0
                ? $"post records to '{_options.IngestPath}/{{route}}'"
                : $"no ingest route named '{name}'; the routes are: {(_ingest.IsEmpty ? "(none)" : string.Join(", ", _ingest.Keys.Order(StringComparer.Ordinal)))}").ConfigureAwait(false);
            return;
        }

        route.Counters.Received();
        if (!IngestContentType(request.Headers.ContentType))
        {
            await RefuseIngestAsync(context, route, RejectReason.UnsupportedMediaType, 415, "UnsupportedMediaType",
                $"not supported content type: '{request.Headers.ContentType}'; use application/json, or application/x-ndjson for JSON lines").ConfigureAwait(false);
            return;
        }

        var max = _options.MaxBodyBytes;
        if (request.ContentLength is long declared && declared > max)
        {
            await RefuseIngestAsync(context, route, RejectReason.TooLarge, 413, "RequestEntityTooLarge", $"payload size: {declared}, max size supported: {max}").ConfigureAwait(false);
            return;
        }

        byte[]? body = null;
        var length = 0;
        List<Record> records;
        string? error;
        try
        {
            var reader = request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (length + buffer.Length > max)
                {
                    reader.AdvanceTo(buffer.End);
                    await RefuseIngestAsync(context, route, RejectReason.TooLarge, 413, "RequestEntityTooLarge", $"payload size: {length + buffer.Length}, max size supported: {max}").ConfigureAwait(false);
                    return;
                }

                if (body is null || length + buffer.Length > body.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(Math.Max(request.ContentLength ?? 0, 16_384), Math.Max((body?.Length ?? 0) * 2L, length + buffer.Length)), Math.Max(max, length + buffer.Length)));
                    body?.AsSpan(0, length).CopyTo(larger);
                    if (body is not null)
                    {
                        ArrayPool<byte>.Shared.Return(body);
                    }

                    body = larger;
                }

                buffer.CopyTo(body.AsSpan(length));
                length += (int)buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            IngestParser.TryParse(body.AsSpan(0, length), out records, out error);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            ReceiverLog.BodyFailed(_logger, request.Path.Value ?? string.Empty, e.Message);
            context.Abort();
            Count(null, RejectReason.BadRequest);
            return;
        }
        finally
        {
            if (body is not null)
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }

        if (error is not null)
        {
            ReceiverLog.BadNotification(_logger, route.Name, string.Empty, error);
            await RefuseIngestAsync(context, route, RejectReason.BadRequest, 400, "BadRequest", error).ConfigureAwait(false);
            return;
        }

        var correlator = request.Headers.TryGetValue("Fiware-Correlator", out var c) ? c.ToString()
            : request.Headers.TryGetValue("X-Request-Id", out var id) ? id.ToString() : null;
        var context0 = new RecordContext(route.Name, _time.GetUtcNow());
        var batch = new IngestBatch(route.Name, records.ConvertAll(r => new IngestedRecord(r, context0, correlator)));
        var (refused, detail) = await HandOverAsync(route.Name, (route.Target, batch), static (s, token) => s.Target.AcceptAsync(s.batch, token)).ConfigureAwait(false);
        if (refused == RejectReason.TargetFailed)
        {
            await RefuseIngestAsync(context, route, RejectReason.TargetFailed, 500, "InternalServerError", $"ingest route '{route.Name}' could not take the records; see the receiver's log").ConfigureAwait(false);
            return;
        }

        if (refused is { } reason)
        {
            context.Response.Headers.RetryAfter = _retryAfter;
            ReceiverLog.Unavailable(_logger, route.Name, reason);
            await RefuseIngestAsync(context, route, reason, 503, "ServiceUnavailable", reason == RejectReason.Overloaded
                ? $"ingest route '{route.Name}' is overloaded; its job's input stayed full for {_options.HoldTimeout.TotalMilliseconds:0} ms, none of these records was taken"
                : detail ?? $"the job of ingest route '{route.Name}' is stopping and accepts no more records").ConfigureAwait(false);
            return;
        }

        route.Counters.Accepted(records.Count);
        _counters.Accepted(records.Count);
        var tag = new KeyValuePair<string, object?>("job", "ingest:" + route.Name);
        ConnectorInstruments.Received.Add(1, tag);
        ConnectorInstruments.Accepted.Add(1, tag);
        ConnectorInstruments.Events.Add(records.Count, tag);
        // 200 with the count, so that a device (or a NiFi InvokeHTTP) can check that every record was taken.
        var answer = System.Text.Encoding.UTF8.GetBytes($"{{\"accepted\":{records.Count}}}");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer).ConfigureAwait(false);
    }

    private Task RefuseIngestAsync(HttpContext context, IngestRoute route, RejectReason reason, int status, string error, string description)
    {
        route.Counters.Rejected(reason);
        return RefuseAsync(context, null, reason, status, error, description);
    }

    private static bool IngestContentType(Microsoft.Extensions.Primitives.StringValues value)
    {
        if (JsonContentType(value))
        {
            return true;
        }

        var text = value.ToString().AsSpan();
        var semicolon = text.IndexOf(';');
        var media = (semicolon < 0 ? text : text[..semicolon]).Trim();
        return media.Equals("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/jsonl", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/x-jsonlines", StringComparison.OrdinalIgnoreCase);
    }
}
