namespace NgsiFlow.Connector;

/// <summary>Why the receiver refused a notification; the <c>reason</c> tag of the rejection metric.</summary>
public enum RejectReason
{
    /// <summary>401: the bearer token or shared secret was missing or wrong.</summary>
    Unauthorized,

    /// <summary>404: no job or subscription is registered under the path or subscription id.</summary>
    NotFound,

    /// <summary>405: not a POST.</summary>
    MethodNotAllowed,

    /// <summary>415: the content type is not JSON.</summary>
    UnsupportedMediaType,

    /// <summary>413: the body is larger than <see cref="ReceiverOptions.MaxBodyBytes"/>.</summary>
    TooLarge,

    /// <summary>400: the body is not JSON or not an NGSI notification.</summary>
    BadRequest,

    /// <summary>503: the job's input stayed full for <see cref="ReceiverOptions.HoldTimeout"/>.</summary>
    Overloaded,

    /// <summary>503: the job is stopping and accepts nothing more.</summary>
    Stopping,

    /// <summary>500: the target failed unexpectedly (a bug or a broken transport); logged with the error.</summary>
    TargetFailed,
}
