using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>The request handlers of the dashboard: the page, its files, the event stream and a JSON snapshot.</summary>
internal static partial class DashboardEndpoints
{
    /// <summary>Idle streams get a comment line this often, so proxies and browsers keep them open and dead ones are noticed.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly byte[] HeartbeatBytes = ": ping\n\n"u8.ToArray();
    private static readonly byte[] RetryBytes = "retry: 2000\n\n"u8.ToArray();

    public static Task ServeIndexAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.EndsWith('/'))
        {
            // The page loads its files by relative URLs, which need the trailing slash.
            context.Response.Redirect(context.Request.PathBase + path + "/" + context.Request.QueryString);
            return Task.CompletedTask;
        }

        return ServeAssetAsync(context, StaticAssets.All["index.html"]);
    }

    public static async Task ServeAssetAsync(HttpContext context, StaticAsset asset)
    {
        var response = context.Response;
        response.Headers.ETag = asset.ETag;
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        await response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task ServeSnapshotAsync(HttpContext context, DashboardFeed feed)
    {
        var frame = feed.BuildSnapshot();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(frame.Json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a snapshot, then every update frame, as server-sent events. The loop only ever reads from the
    /// client's bounded queue, so however slowly this browser reads, the feed and the job never wait for it.
    /// </summary>
    public static async Task StreamEventsAsync(HttpContext context, DashboardFeed feed)
    {
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger("NgsiFlow.Dashboard") ?? NullLogger.Instance;
        var stopping = context.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, feed.Stopping, stopping);
        var cancellationToken = linked.Token;

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var client = feed.Connect();
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        LogConnected(logger, remote, feed.ConnectedClients);
        try
        {
            await response.Body.WriteAsync(RetryBytes, cancellationToken).ConfigureAwait(false);
            var snapshot = feed.BuildSnapshot();
            await response.Body.WriteAsync(snapshot.EventBytes, cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            var last = snapshot.Seq;

            while (!cancellationToken.IsCancellationRequested)
            {
                if (client.IsLagging)
                {
                    LogLagging(logger, remote, client.DroppedFrames);
                    client.ResetForSnapshot();
                    snapshot = feed.BuildSnapshot();
                    await response.Body.WriteAsync(snapshot.EventBytes, cancellationToken).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    last = snapshot.Seq;
                    continue;
                }

                bool more;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    wait.CancelAfter(Heartbeat);
                    try
                    {
                        more = await client.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        await response.Body.WriteAsync(HeartbeatBytes, cancellationToken).ConfigureAwait(false);
                        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                if (!more)
                {
                    break;
                }

                while (!client.IsLagging && client.Reader.TryRead(out var frame))
                {
                    if (frame.Seq > last)
                    {
                        await response.Body.WriteAsync(frame.EventBytes, cancellationToken).ConfigureAwait(false);
                        last = frame.Seq;
                    }
                }

                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away, or the feed or the host is stopping.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
        finally
        {
            feed.Disconnect(client);
            LogDisconnected(logger, remote, client.DroppedFrames);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Dashboard page connected from {Remote} ({Clients} connected)")]
    private static partial void LogConnected(ILogger logger, string remote, int clients);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Dashboard page at {Remote} fell behind ({Dropped} frames dropped so far); sending a fresh snapshot")]
    private static partial void LogLagging(ILogger logger, string remote, long dropped);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Dashboard page at {Remote} disconnected ({Dropped} frames dropped)")]
    private static partial void LogDisconnected(ILogger logger, string remote, long dropped);
}
