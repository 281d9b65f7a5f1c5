using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>The request path: checks, body, parse, hand-over, answer.</summary>
public sealed partial class NgsiReceiver
{
    [ThreadStatic]
    private static CancellationTokenSource? t_holdSource;

    private async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        if (_options.MaxRequestsPerConnection > 0)
        {
            ConnectionRequestLimit.Apply(context, _options.MaxRequestsPerConnection);
        }

        _counters.Received();
        using var span = IsNotifyPath(context.Request.Path.Value) || IsIngestPath(context.Request.Path.Value) ? ConnectorTracing.StartReceive(context) : null;
        using var scope = context.Request.Headers.TryGetValue("Fiware-Correlator", out var correlator) ? _logger.BeginScope(new CorrelatorScope(correlator.ToString())) : null;
        await HandleCoreAsync(context, context.Request).ConfigureAwait(false);
        span?.SetTag("http.response.status_code", context.Response.StatusCode);
        if (ConnectorInstruments.Duration.Enabled)
        {
            ConnectorInstruments.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>
    /// A notification's way through the receiver, one named step each: dispatch (ingest or other paths), check the
    /// request (method, credentials), route by path, check the body's declaration, read and parse the body, route by
    /// subscription id when the path did not, hand the events over, answer.
    /// </summary>
    private async ValueTask HandleCoreAsync(HttpContext context, HttpRequest request)
    {
        if (IsIngestPath(request.Path.Value))
        {
            await HandleIngestAsync(context, request).ConfigureAwait(false);
            return;
        }

        if (_options.OtherRequests is { } other && !IsNotifyPath(request.Path.Value))
        {
            await other(context).ConfigureAwait(false);
            return;
        }

        if (!await CheckRequestAsync(context, request).ConfigureAwait(false))
        {
            return;
        }

        var (routed, route, parse) = await RouteByPathAsync(context, request).ConfigureAwait(false);
        if (!routed)
        {
            return;
        }

        var headers = ReadHeaders(request);
        if (!await CheckDeclaredBodyAsync(context, request, route, headers).ConfigureAwait(false))
        {
            return;
        }

        var notification = await ReadNotificationAsync(context, request, route, headers, parse).ConfigureAwait(false);
        if (notification is null)
        {
            return;
        }

        route ??= await RouteBySubscriptionAsync(context, request, notification).ConfigureAwait(false);
        if (route is null)
        {
            return;
        }

        await DeliverAsync(context, route, notification).ConfigureAwait(false);
    }

    /// <summary>POST only, with the credentials the receiver asks for; false when refused (and answered).</summary>
    private async ValueTask<bool> CheckRequestAsync(HttpContext context, HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await RefuseAsync(context, null, RejectReason.MethodNotAllowed, 405, "MethodNotAllowed", $"only POST is accepted here, not {request.Method}").ConfigureAwait(false);
            return false;
        }

        if (!Authorized(request))
        {
            context.Response.Headers.WWWAuthenticate = _bearer is not null ? "Bearer" : "SharedSecret";
            await RefuseAsync(context, null, RejectReason.Unauthorized, 401, "Unauthorized", _bearer is not null
                ? "a valid 'Authorization: Bearer' token is required"
                : $"the '{_options.SharedSecretHeader}' header with the shared secret is required").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// The job (<c>{notify}/{job}</c>) and subscription endpoint (<c>{notify}/{job}/{key}</c>) the path names; no job
    /// for the bare notify path, which is routed by subscription id later. A wrong URL is a 404 whatever the body.
    /// </summary>
    private async ValueTask<(bool Routed, ReceiverRoute? Route, NotificationParseOptions Parse)> RouteByPathAsync(HttpContext context, HttpRequest request)
    {
        var path = request.Path.Value.AsSpan();
        var notify = _options.NotifyPath.AsSpan();
        if (notify.Length == 1)
        {
            notify = [];
        }

        if (!path.StartsWith(notify, StringComparison.Ordinal) || (path.Length > notify.Length && path[notify.Length] != '/'))
        {
            await RefuseAsync(context, null, RejectReason.NotFound, 404, "NotFound", $"no notification endpoint at '{request.Path}'").ConfigureAwait(false);
            return (false, null, NotificationParseOptions.Default);
        }

        var rest = path[notify.Length..].TrimStart('/');
        if (rest.Length == 0)
        {
            return (true, null, NotificationParseOptions.Default);
        }

        var slash = rest.IndexOf('/');
        var jobName = slash < 0 ? rest : rest[..slash];
        if (!_routeLookup.TryGetValue(jobName, out var route))
        {
            await RefuseAsync(context, route, RejectReason.NotFound, 404, "NotFound", $"no job named '{jobName}' receives notifications here").ConfigureAwait(false);
            return (false, null, NotificationParseOptions.Default);
        }

        route.Counters.Received();
        NotificationParseOptions? parse = null;
        if (slash >= 0)
        {
            var key = rest[(slash + 1)..].TrimEnd('/');
            if (key.Length > 0 && !route.SubscriptionLookup.TryGetValue(key, out parse))
            {
                await RefuseAsync(context, route, RejectReason.NotFound, 404, "NotFound", $"job '{route.Job}' has no subscription endpoint '{key}'").ConfigureAwait(false);
                return (false, route, NotificationParseOptions.Default);
            }
        }

        return (true, route, parse ?? NotificationParseOptions.Default);
    }

    /// <summary>A JSON content type (any for a custom payload) and a declared length within the limit.</summary>
    private async ValueTask<bool> CheckDeclaredBodyAsync(HttpContext context, HttpRequest request, ReceiverRoute? route, NotificationHeaders headers)
    {
        if (!JsonContentType(request.Headers.ContentType) && NotificationParser.FormatFromHeaders(headers) != NotificationFormat.V2Custom)
        {
            await RefuseAsync(context, route, RejectReason.UnsupportedMediaType, 415, "UnsupportedMediaType",
                $"not supported content type: '{request.Headers.ContentType}'; use application/json or application/ld+json").ConfigureAwait(false);
            return false;
        }

        if (request.ContentLength is long declared && declared > _options.MaxBodyBytes)
        {
            await TooLargeAsync(context, route, declared, _options.MaxBodyBytes).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the whole body from the pipe and parses it; null when refused (and answered) or when the client went
    /// away. A body that arrived at once is parsed where it lies, without a copy; one that spans reads is gathered
    /// into one pooled array, consuming the pipe as it goes so that Kestrel's buffer limit never stalls a large body.
    /// </summary>
    private async ValueTask<NgsiNotification?> ReadNotificationAsync(HttpContext context, HttpRequest request, ReceiverRoute? route, NotificationHeaders headers, NotificationParseOptions parse)
    {
        var max = _options.MaxBodyBytes;
        var reader = request.BodyReader;
        byte[]? rented = null;
        var copied = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (copied + buffer.Length > max)
                {
                    reader.AdvanceTo(buffer.End);
                    await TooLargeAsync(context, route, copied + buffer.Length, max).ConfigureAwait(false);
                    return null;
                }

                if (result.IsCompleted && rented is null)
                {
                    try
                    {
                        return await ParsedOrRefusedAsync(context, route, buffer, headers, parse).ConfigureAwait(false);
                    }
                    finally
                    {
                        reader.AdvanceTo(buffer.End);
                    }
                }

                if (rented is null)
                {
                    rented = ArrayPool<byte>.Shared.Rent((int)Math.Max(request.ContentLength ?? 0, Math.Max(buffer.Length, 16_384)));
                }
                else if (copied + buffer.Length > rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(rented.Length * 2L, copied + buffer.Length), max));
                    rented.AsSpan(0, copied).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }

                buffer.CopyTo(rented.AsSpan(copied));
                copied += (int)buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    return await ParsedOrRefusedAsync(context, route, new ReadOnlySequence<byte>(rented, 0, copied), headers, parse).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away or sent a broken request: nothing to answer, nothing accepted.
            ReceiverLog.BodyFailed(_logger, request.Path.Value ?? string.Empty, e.Message);
            context.Abort();
            Count(null, RejectReason.BadRequest);
            return null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private async ValueTask<NgsiNotification?> ParsedOrRefusedAsync(HttpContext context, ReceiverRoute? route, ReadOnlySequence<byte> body, NotificationHeaders headers, NotificationParseOptions parse)
    {
        if (NotificationParser.TryParse(body, headers, parse, out var notification, out var error))
        {
            return notification;
        }

        await BadRequestAsync(context, route, error).ConfigureAwait(false);
        return null;
    }

    /// <summary>The job subscribed with the notification's subscription id (or the <c>subscriptionId</c> query parameter).</summary>
    private async ValueTask<ReceiverRoute?> RouteBySubscriptionAsync(HttpContext context, HttpRequest request, NgsiNotification notification)
    {
        if (notification.SubscriptionId is not { } id || !_byId.TryGetValue(id, out var route))
        {
            var query = request.Query["subscriptionId"];
            if (StringValues.IsNullOrEmpty(query) || !_byId.TryGetValue(query.ToString(), out route))
            {
                await RefuseAsync(context, null, RejectReason.NotFound, 404, "NotFound",
                    $"no job subscribed with subscription id '{notification.SubscriptionId ?? query.ToString()}'; post to '{_options.NotifyPath}/{{job}}' or register the id").ConfigureAwait(false);
                return null;
            }
        }

        route.Counters.Received();
        return route;
    }

    /// <summary>Builds the events, hands them to the job and answers: 204 taken, 503 overloaded or stopping, 400 bad.</summary>
    private async ValueTask DeliverAsync(HttpContext context, ReceiverRoute route, NgsiNotification notification)
    {
        if (!TryBuildEvents(route.Job, notification, out var events, out var custom))
        {
            await BadRequestAsync(context, route, custom!).ConfigureAwait(false);
            return;
        }

        var batch = new NotificationBatch(route.Job, notification, events);
        var (refused, detail) = await HandOverAsync(route.Job, (route.Target, batch), static (s, token) => s.Target.AcceptAsync(s.batch, token)).ConfigureAwait(false);
        if (refused == RejectReason.TargetFailed)
        {
            await RefuseAsync(context, route, RejectReason.TargetFailed, 500, "InternalServerError", $"job '{route.Job}' could not take the notification; see the receiver's log").ConfigureAwait(false);
            return;
        }

        if (refused is { } reason)
        {
            context.Response.Headers.RetryAfter = _retryAfter;
            ReceiverLog.Unavailable(_logger, route.Job, reason);
            await RefuseAsync(context, route, reason, 503, "ServiceUnavailable", reason == RejectReason.Overloaded
                ? $"job '{route.Job}' is overloaded; its input stayed full for {_options.HoldTimeout.TotalMilliseconds:0} ms, nothing of this notification was taken"
                : detail ?? $"job '{route.Job}' is stopping and accepts no more notifications").ConfigureAwait(false);
            return;
        }

        route.Counters.Accepted(events.Length);
        _counters.Accepted(events.Length);
        var jobTag = new KeyValuePair<string, object?>("job", route.Job);
        ConnectorInstruments.Received.Add(1, jobTag);
        ConnectorInstruments.Accepted.Add(1, jobTag);
        ConnectorInstruments.Events.Add(events.Length, jobTag);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private bool IsNotifyPath(string? path)
    {
        var notify = _options.NotifyPath;
        return notify.Length <= 1 || (path is not null && path.StartsWith(notify, StringComparison.Ordinal) && (path.Length == notify.Length || path[notify.Length] == '/'));
    }

    private async ValueTask<(RejectReason? Reason, string? Detail)> HandOverAsync<TState>(string name, TState state, Func<TState, CancellationToken, ValueTask> accept)
    {
        // The hold timer is armed only when the target did not take the batch at once, so the common path costs
        // neither a timer nor a token source.
        var source = t_holdSource ?? new CancellationTokenSource();
        t_holdSource = null;
        try
        {
            var pending = accept(state, source.Token);
            if (!pending.IsCompletedSuccessfully)
            {
                source.CancelAfter(_options.HoldTimeout);
                await pending.ConfigureAwait(false);
            }
            else
            {
                pending.GetAwaiter().GetResult();
            }

            return (null, null);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            return (RejectReason.Overloaded, null);
        }
        catch (TargetClosedException e)
        {
            // A target that says why (the cluster could not commit in time) has its reason in the 503's description.
            return (RejectReason.Stopping, e.InnerException is null ? null : e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReceiverLog.TargetFailed(_logger, e, name);
            return (RejectReason.TargetFailed, null);
        }
        finally
        {
            if (source.TryReset())
            {
                t_holdSource ??= source;
            }
            else
            {
                source.Dispose();
            }
        }
    }

    private bool TryBuildEvents(string job, NgsiNotification notification, out NgsiEvent[] events, out NgsiFormatException? error) =>
        NotificationEvents.TryBuild(job, notification, _time.GetUtcNow(), out events, out error);

    private static NotificationHeaders ReadHeaders(HttpRequest request)
    {
        var headers = new NotificationHeaders();
        var all = request.Headers;
        Add(headers, all, NgsiHeaderNames.FiwareService);
        Add(headers, all, NgsiHeaderNames.FiwareServicePath);
        Add(headers, all, NgsiHeaderNames.FiwareCorrelator);
        Add(headers, all, NgsiHeaderNames.NgsiLdTenant);
        Add(headers, all, NgsiHeaderNames.Ngsiv2AttrsFormat);
        Add(headers, all, NgsiHeaderNames.NgsiLdAttributeFormat);
        Add(headers, all, NgsiHeaderNames.Link);
        var contentType = all.ContentType;
        if (!StringValues.IsNullOrEmpty(contentType))
        {
            headers.Add(NgsiHeaderNames.ContentType, contentType.ToString());
        }

        return headers;

        static void Add(NotificationHeaders headers, IHeaderDictionary all, string name)
        {
            if (all.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value))
            {
                headers.Add(name, value.ToString());
            }
        }
    }

    private static bool JsonContentType(StringValues value)
    {
        var text = value.ToString().AsSpan();
        var semicolon = text.IndexOf(';');
        var media = (semicolon < 0 ? text : text[..semicolon]).Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/ld+json", StringComparison.OrdinalIgnoreCase)
            || (media.EndsWith("+json", StringComparison.OrdinalIgnoreCase) && media.StartsWith("application/", StringComparison.OrdinalIgnoreCase));
    }

    private bool Authorized(HttpRequest request)
    {
        if (_bearer is not null)
        {
            var header = request.Headers.Authorization.ToString().AsSpan().Trim();
            const string scheme = "Bearer ";
            if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || !SecretEquals(header[scheme.Length..].Trim(), _bearer))
            {
                return false;
            }
        }

        if (_secret is not null && (!request.Headers.TryGetValue(_options.SharedSecretHeader!, out var given) || !SecretEquals(given.ToString(), _secret)))
        {
            return false;
        }

        return true;
    }

    private static bool SecretEquals(ReadOnlySpan<char> given, byte[] expected)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(given.Length);
        Span<byte> bytes = max <= 256 ? stackalloc byte[256] : new byte[max];
        var n = System.Text.Encoding.UTF8.GetBytes(given, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..n], expected);
    }

    private Task TooLargeAsync(HttpContext context, ReceiverRoute? route, long size, long max) =>
        RefuseAsync(context, route, RejectReason.TooLarge, 413, "RequestEntityTooLarge", $"payload size: {size}, max size supported: {max}");

    private Task BadRequestAsync(HttpContext context, ReceiverRoute? route, NgsiFormatException? error)
    {
        error ??= new NgsiFormatException("$", "an NGSI notification");
        ReceiverLog.BadNotification(_logger, route?.Job ?? string.Empty, error.JsonPath, error.Message);
        return RefuseAsync(context, route, RejectReason.BadRequest, 400, "BadRequest", error.Message);
    }

    private Task RefuseAsync(HttpContext context, ReceiverRoute? route, RejectReason reason, int status, string error, string description)
    {
        Count(route, reason);
        return ErrorBody.WriteAsync(context.Response, status, error, description);
    }

    private void Count(ReceiverRoute? route, RejectReason reason)
    {
        _counters.Rejected(reason);
        route?.Counters.Rejected(reason);
        var jobTag = new KeyValuePair<string, object?>("job", route?.Job ?? string.Empty);
        ConnectorInstruments.Received.Add(1, jobTag);
        ConnectorInstruments.Rejected.Add(1, jobTag, new KeyValuePair<string, object?>("reason", ConnectorInstruments.Tag(reason)));
        if (reason is RejectReason.Overloaded or RejectReason.Stopping)
        {
            ConnectorInstruments.Unavailable.Add(1, jobTag);
        }
    }
}
