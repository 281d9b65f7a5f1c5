namespace NgsiFlow.Client;

/// <summary>The outcome of an NGSI-LD batch operation that fully succeeded.</summary>
/// <param name="Created">Ids the broker reports as created (201 answers), empty when it only updated.</param>
/// <param name="StatusCode">The broker's status (201, 204 or 207 with no errors).</param>
public sealed record NgsiLdBatchResult(IReadOnlyList<string> Created, int StatusCode);
