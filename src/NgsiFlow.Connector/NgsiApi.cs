namespace NgsiFlow.Connector;

/// <summary>The API family a broker speaks.</summary>
public enum NgsiApi
{
    /// <summary>NGSI-v2 (Orion, the embedded broker).</summary>
    V2,

    /// <summary>NGSI-LD (Orion-LD, Scorpio, Stellio).</summary>
    Ld,
}
