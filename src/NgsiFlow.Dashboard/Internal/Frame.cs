namespace NgsiFlow.Dashboard.Internal;

/// <summary>One server-sent event, serialised once and shared by every browser.</summary>
/// <param name="Seq">The number of the last update this frame includes; a snapshot carries the number it is current up to.</param>
/// <param name="IsSnapshot">Whether the frame replaces the whole page state.</param>
/// <param name="Json">The frame's JSON.</param>
/// <param name="EventBytes">The complete <c>text/event-stream</c> message.</param>
internal sealed record Frame(long Seq, bool IsSnapshot, byte[] Json, byte[] EventBytes);
