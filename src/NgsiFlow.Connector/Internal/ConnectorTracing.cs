using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace NgsiFlow.Connector.Internal;

/// <summary>
/// The connector's spans: one per notification received (continuing the broker's trace when it sent a W3C
/// <c>traceparent</c>), and one per write-back request, a child of the span its event belongs to. The HTTP client
/// carries the write-back's context on to the broker in its own <c>traceparent</c>.
/// </summary>
internal static class ConnectorTracing
{
    /// <summary>The source's name, for <c>AddSource</c>.</summary>
    public const string SourceName = "NgsiFlow.Connector";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartReceive(HttpContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity("receive notification", ActivityKind.Server, parent);
        if (activity is not null)
        {
            activity.SetTag("url.path", context.Request.Path.Value);
            if (headers.TryGetValue("Fiware-Correlator", out var correlator))
            {
                activity.SetTag("fiware.correlator", correlator.ToString());
            }

            if (headers.TryGetValue("Fiware-Service", out var tenant))
            {
                activity.SetTag("fiware.service", tenant.ToString());
            }
        }

        return activity;
    }

    public static Activity? StartWriteBack(PendingWrite write, int entities)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("write-back", ActivityKind.Client, write.Parent);
        activity?.SetTag("http.request.method", write.Method.Method);
        activity?.SetTag("ngsiflow.writeback.entities", entities);
        if (write.Fiware.Correlator is { } correlator)
        {
            activity?.SetTag("fiware.correlator", correlator);
        }

        return activity;
    }
}
