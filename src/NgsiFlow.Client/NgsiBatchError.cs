namespace NgsiFlow.Client;

/// <summary>One entity a batch operation could not process.</summary>
/// <param name="EntityId">The entity id.</param>
/// <param name="StatusCode">The status the broker gave for this entity, 0 when it gave none.</param>
/// <param name="Error">The error name (short form of the ProblemDetails <c>type</c>).</param>
/// <param name="Description">The broker's <c>detail</c> or <c>title</c>.</param>
public sealed record NgsiBatchError(string EntityId, int StatusCode, string? Error, string? Description);
