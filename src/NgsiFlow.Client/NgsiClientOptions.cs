using NgsiFlow.Ngsi;

namespace NgsiFlow.Client;

/// <summary>
/// Settings of an <see cref="NgsiV2Client"/> or <see cref="NgsiLdClient"/>. Checked by <see cref="Validate"/> when a
/// client is built; every bad value is named in one <see cref="ArgumentException"/>.
/// </summary>
public sealed class NgsiClientOptions
{
    /// <summary>The broker's root, e.g. <c>http://orion:1026/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Tenant, service path and correlator sent with every call that does not pass its own. Null (default) sends
    /// no <c>Fiware-Service</c>/<c>Fiware-ServicePath</c> headers: the broker's default tenant, and for v2 queries
    /// Orion's default scope <c>/#</c>.
    /// </summary>
    public FiwareContext? Fiware { get; set; }

    /// <summary>Timeout of one attempt (each retry gets its own). Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout to open a TCP connection. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most connections kept open to the broker at once. Default 64.</summary>
    public int MaxConnectionsPerServer { get; set; } = 64;

    /// <summary>How long a pooled connection lives before it is replaced, so DNS changes are seen. Default 5 minutes.</summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an idle pooled connection is kept. Default 90 s.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retry behaviour.</summary>
    public NgsiRetryOptions Retry { get; set; } = new();

    /// <summary>Outbound authentication.</summary>
    public NgsiAuthOptions Auth { get; set; } = new();

    /// <summary>
    /// The JSON-LD <c>@context</c> URL sent in the <c>Link</c> header of NGSI-LD calls. Default: the NGSI-LD core
    /// context (<see cref="NgsiLdContexts.Core"/>).
    /// </summary>
    public Uri LdContext { get; set; } = new(NgsiLdContexts.Core);

    /// <summary>The <c>User-Agent</c> sent with every call. Default <c>NgsiFlow/0.1</c>.</summary>
    public string UserAgent { get; set; } = "NgsiFlow/0.1";

    /// <summary>The clock for token expiry and retry delays. Default the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws one <see cref="ArgumentException"/> listing every bad value, or returns when all are good.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (BaseAddress is null)
        {
            errors.Add("NgsiClientOptions.BaseAddress is required (e.g. http://localhost:1026/).");
        }
        else if (!BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"NgsiClientOptions.BaseAddress must be an absolute http or https URL (was '{BaseAddress}').");
        }
        else if (!string.IsNullOrEmpty(BaseAddress.Query) || !string.IsNullOrEmpty(BaseAddress.Fragment))
        {
            errors.Add($"NgsiClientOptions.BaseAddress must not have a query or fragment (was '{BaseAddress}').");
        }

        if (Fiware is not null)
        {
            CheckFiware(Fiware, "NgsiClientOptions.Fiware", errors);
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"NgsiClientOptions.RequestTimeout must be positive and at most 1 hour (was {RequestTimeout}).");
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"NgsiClientOptions.ConnectTimeout must be positive and at most 10 minutes (was {ConnectTimeout}).");
        }

        if (MaxConnectionsPerServer is < 1 or > 10_000)
        {
            errors.Add($"NgsiClientOptions.MaxConnectionsPerServer must be between 1 and 10000 (was {MaxConnectionsPerServer}).");
        }

        if (PooledConnectionLifetime <= TimeSpan.Zero)
        {
            errors.Add($"NgsiClientOptions.PooledConnectionLifetime must be positive (was {PooledConnectionLifetime}).");
        }

        if (PooledConnectionIdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"NgsiClientOptions.PooledConnectionIdleTimeout must be positive (was {PooledConnectionIdleTimeout}).");
        }

        if (Retry is null)
        {
            errors.Add("NgsiClientOptions.Retry must not be null.");
        }
        else
        {
            Retry.Validate(errors);
        }

        if (Auth is null)
        {
            errors.Add("NgsiClientOptions.Auth must not be null.");
        }
        else
        {
            Auth.Validate(errors);
        }

        if (LdContext is null || !LdContext.IsAbsoluteUri)
        {
            errors.Add($"NgsiClientOptions.LdContext must be an absolute URL (was '{LdContext}').");
        }

        if (string.IsNullOrWhiteSpace(UserAgent) || UserAgent.Any(char.IsControl))
        {
            errors.Add("NgsiClientOptions.UserAgent must be a non-empty header value without control characters.");
        }

        if (TimeProvider is null)
        {
            errors.Add("NgsiClientOptions.TimeProvider must not be null.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    internal static void CheckFiware(FiwareContext fiware, string what, List<string> errors)
    {
        if (fiware.Tenant.Any(char.IsControl) || fiware.ServicePath.Any(char.IsControl) || (fiware.Correlator?.Any(char.IsControl) ?? false))
        {
            errors.Add($"{what} must not contain control characters.");
        }

        if (fiware.ServicePath.Length > 0 && fiware.ServicePath[0] != '/')
        {
            errors.Add($"{what}.ServicePath must start with '/' (was '{fiware.ServicePath}').");
        }
    }
}
