namespace NgsiFlow.Connector;

/// <summary>The records of one ingest request, handed to an <see cref="IRecordTarget"/>.</summary>
/// <param name="Route">The route posted to.</param>
/// <param name="Records">The records, in body order.</param>
public sealed record IngestBatch(string Route, IReadOnlyList<IngestedRecord> Records);
