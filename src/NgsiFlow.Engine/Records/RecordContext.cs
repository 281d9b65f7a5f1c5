namespace NgsiFlow.Engine.Records;

/// <summary>Where a record came from, for transforms that add it (<c>${route}</c>, <c>${ingestTime}</c>).</summary>
/// <param name="Route">The ingest route (the <c>{route}</c> of <c>POST /ingest/{route}</c>), or the source's name.</param>
/// <param name="ReceivedAt">When the record was received.</param>
public sealed record RecordContext(string Route, DateTimeOffset ReceivedAt)
{
    /// <summary>A context for records with no particular origin.</summary>
    public static RecordContext None { get; } = new(string.Empty, DateTimeOffset.UnixEpoch);
}
