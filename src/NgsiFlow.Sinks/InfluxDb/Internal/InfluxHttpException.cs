using System.Net;

namespace NgsiFlow.Sinks.InfluxDb.Internal;

/// <summary>InfluxDB answered a request with an error status.</summary>
internal sealed class InfluxHttpException : Exception
{
    public InfluxHttpException()
    {
    }

    public InfluxHttpException(string message)
        : base(message)
    {
    }

    public InfluxHttpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InfluxHttpException(HttpStatusCode statusCode, string serverError)
        : base($"HTTP {(int)statusCode} {statusCode}: {serverError}")
    {
        StatusCode = statusCode;
        ServerError = serverError;
    }

    public HttpStatusCode StatusCode { get; }

    public string ServerError { get; } = string.Empty;

    /// <summary>Server overload and outages are worth retrying; bad requests, auth and unknown databases are not.</summary>
    public bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || ((int)StatusCode >= 500 && !ServerError.Contains("partial write", StringComparison.OrdinalIgnoreCase));
}
