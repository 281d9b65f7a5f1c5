namespace NgsiFlow.Client;

/// <summary>The checked (2xx) answer of a raw call made with <c>SendAsync</c>.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The answer body (empty when there was none).</param>
/// <param name="ContentType">The answer's media type, if any.</param>
/// <param name="Location">The <c>Location</c> header, if any.</param>
public sealed record NgsiRawResponse(int StatusCode, ReadOnlyMemory<byte> Body, string? ContentType, string? Location);
