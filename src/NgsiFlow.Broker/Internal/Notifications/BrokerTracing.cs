using System.Diagnostics;

namespace NgsiFlow.Broker.Internal.Notifications;

/// <summary>
/// The broker's span per HTTP notification ("notify"), a child of the update's span when the update carried one, its
/// context sent to the subscriber as a W3C <c>traceparent</c>, so that the receiver's span continues the same trace.
/// </summary>
internal static class BrokerTracing
{
    public const string SourceName = "NgsiFlow.Broker";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartNotify(NotificationJob job)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // Started beside, not inside, whatever is current: each notification is a child of its own update only.
        var current = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity("notify", ActivityKind.Client, job.Parent);
        Activity.Current = current;
        if (activity is not null)
        {
            activity.SetTag("ngsi.subscription.id", job.Subscription.Id);
            activity.SetTag("fiware.correlator", job.Correlator);
            activity.SetTag("url.full", job.Url);
            job.TraceParent = activity.Id;
        }

        return activity;
    }
}
