using NgsiFlow.Connector.Internal;

namespace NgsiFlow.Connector;

/// <summary>An ingest route on an <see cref="NgsiReceiver"/>: records posted to <see cref="Url"/> reach <see cref="Target"/>.</summary>
public sealed class IngestRoute
{
    private readonly NgsiReceiver _receiver;

    internal IngestRoute(NgsiReceiver receiver, string name, IRecordTarget target)
    {
        _receiver = receiver;
        Name = name;
        Target = target;
    }

    /// <summary>The route's name (the path segment after the ingest path).</summary>
    public string Name { get; }

    /// <summary>Where accepted records go.</summary>
    public IRecordTarget Target { get; }

    /// <summary>The public URL devices post to: <c>{PublicBaseUrl}{IngestPath}/{route}</c>.</summary>
    public Uri Url => new(_receiver.PublicBaseUrl, _receiver.Options.IngestPath.TrimStart('/') + "/" + Name);

    internal RouteCounters Counters { get; } = new();

    /// <summary>The route's counters since it was added (events are records).</summary>
    /// <returns>A snapshot.</returns>
    public ReceiverStatistics GetStatistics() => Counters.Snapshot();
}
