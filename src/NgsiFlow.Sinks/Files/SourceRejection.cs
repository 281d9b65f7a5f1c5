namespace NgsiFlow.Sinks.Files;

/// <summary>A record a file source rejected, or that the engine rejected through <c>RejectAsync</c>.</summary>
/// <param name="Line">The line the record starts on.</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record SourceRejection(long Line, string Reason);
