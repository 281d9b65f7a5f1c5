namespace NgsiFlow.Connector;

/// <summary>A write-back the broker finally refused or never answered: what the dead-letter log records.</summary>
/// <param name="At">When it was given up.</param>
/// <param name="Broker">The broker connection's name.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path relative to the broker's base address.</param>
/// <param name="Tenant">Fiware-Service / NGSILD-Tenant (empty: default tenant).</param>
/// <param name="ServicePath">Fiware-ServicePath.</param>
/// <param name="Correlator">Fiware-Correlator sent.</param>
/// <param name="Body">The request body (UTF-8 text).</param>
/// <param name="StatusCode">The last HTTP status (0: no answer: timeout or connection failure).</param>
/// <param name="Error">The broker's error name, or the failure kind.</param>
/// <param name="Description">The broker's description, or the failure message.</param>
public sealed record WriteBackFailure(
    DateTimeOffset At,
    string Broker,
    string Method,
    string Path,
    string Tenant,
    string ServicePath,
    string? Correlator,
    string Body,
    int StatusCode,
    string? Error,
    string? Description);
