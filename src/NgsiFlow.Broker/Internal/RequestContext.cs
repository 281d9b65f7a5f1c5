namespace NgsiFlow.Broker.Internal;

/// <summary>Per-request facts the core needs: the correlator and how many notifications it has triggered so far.</summary>
internal sealed class RequestContext
{
    public RequestContext(string correlator) => Correlator = correlator;

    public string Correlator { get; }

    /// <summary>Notifications this request triggered; Orion numbers them in the correlator (<c>; cbnotif=N</c>).</summary>
    public int Notifications;

    /// <summary>options=forcedUpdate: notify even when nothing changed.</summary>
    public bool ForcedUpdate { get; init; }

    /// <summary>options=overrideMetadata: replace attribute metadata instead of merging it.</summary>
    public bool OverrideMetadata { get; init; }
}
