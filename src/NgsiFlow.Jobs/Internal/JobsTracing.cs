using System.Diagnostics;

namespace NgsiFlow.Jobs.Internal;

/// <summary>The job's spans: one per update applied (a child of the notification's span), and the hand-over of each
/// write-back to the replier, whose request span follows.</summary>
internal static class JobsTracing
{
    public const string SourceName = "NgsiFlow.Jobs";

    public static readonly ActivitySource Source = new(SourceName);
}
