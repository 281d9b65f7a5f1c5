using System.Globalization;

namespace NgsiFlow.Client;

/// <summary>
/// A broker call failed: a non-2xx answer (with the broker's <c>error</c>/<c>description</c>, or the NGSI-LD
/// ProblemDetails <c>type</c>/<c>title</c>/<c>detail</c>), a partially failed batch, a timeout or a connection
/// failure after the retries. The one exception type every client call throws for broker-side failures.
/// </summary>
public sealed class NgsiClientException : Exception
{
    /// <summary>Creates an exception for a failed call.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="requestUri">The request URL.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no answer arrived.</param>
    /// <param name="error">The broker's error name (Orion <c>error</c>, or the short form of the ProblemDetails <c>type</c>).</param>
    /// <param name="description">The broker's description (Orion <c>description</c>, ProblemDetails <c>detail</c> or <c>title</c>).</param>
    /// <param name="responseBody">The answer body as text (cut at 4 KB), if any.</param>
    /// <param name="innerException">The transport failure, if any.</param>
    public NgsiClientException(string method, Uri? requestUri, int statusCode, string? error, string? description, string? responseBody = null, Exception? innerException = null)
        : base(Format(method, requestUri, statusCode, error, description), innerException)
    {
        Method = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        Error = error;
        Description = description;
        ResponseBody = responseBody;
    }

    /// <summary>Creates an exception without details.</summary>
    public NgsiClientException()
    {
        Method = string.Empty;
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NgsiClientException(string message)
        : base(message)
    {
        Method = string.Empty;
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NgsiClientException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = string.Empty;
    }

    /// <summary>The HTTP method of the failed call.</summary>
    public string Method { get; }

    /// <summary>The URL of the failed call.</summary>
    public Uri? RequestUri { get; }

    /// <summary>The HTTP status; 0 when no answer arrived (timeout, connection failure).</summary>
    public int StatusCode { get; }

    /// <summary>The broker's error name, e.g. <c>NotFound</c>, <c>BadRequest</c>, <c>ResourceNotFound</c>.</summary>
    public string? Error { get; }

    /// <summary>The broker's description of the error.</summary>
    public string? Description { get; }

    /// <summary>The full NGSI-LD ProblemDetails <c>type</c> URI, when the broker sent one.</summary>
    public string? ProblemType { get; init; }

    /// <summary>The answer body as text (cut at 4 KB), when there was one.</summary>
    public string? ResponseBody { get; }

    /// <summary>The per-entity failures of a batch that partly failed (NGSI-LD 207 answers); empty otherwise.</summary>
    public IReadOnlyList<NgsiBatchError> BatchErrors { get; init; } = [];

    /// <summary>True when a repeat may succeed: no answer, 5xx, 408 or 429.</summary>
    public bool IsTransient => StatusCode is 0 or 408 or 429 or >= 500;

    /// <summary>True for 404 Not Found.</summary>
    public bool IsNotFound => StatusCode == 404;

    private static string Format(string method, Uri? uri, int status, string? error, string? description)
    {
        var what = status == 0 ? "got no answer" : string.Create(CultureInfo.InvariantCulture, $"failed with {status}");
        var detail = (error, description) switch
        {
            (null, null) => string.Empty,
            (_, null) => ": " + error,
            (null, _) => ": " + description,
            _ => $": {error}: {description}",
        };
        return $"{method} {uri} {what}{detail}";
    }
}
