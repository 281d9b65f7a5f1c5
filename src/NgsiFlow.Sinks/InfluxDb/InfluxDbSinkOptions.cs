namespace NgsiFlow.Sinks.InfluxDb;

/// <summary>Where and how an <see cref="InfluxDbSink{T}"/> writes: an InfluxDB 1.x server's <c>/write</c> endpoint.</summary>
public sealed class InfluxDbSinkOptions : SinkOptions
{
    /// <summary>The server's base address, for example <c>http://127.0.0.1:8086/</c>. Required.</summary>
    public Uri? ServerUri { get; set; }

    /// <summary>The database written to (<c>db</c> parameter). Required.</summary>
    public string Database { get; set; } = string.Empty;

    /// <summary>The retention policy (<c>rp</c> parameter); null for the database's default.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>The precision timestamps are sent in. Default nanoseconds.</summary>
    public InfluxPrecision Precision { get; set; } = InfluxPrecision.Nanoseconds;

    /// <summary>The user name when the server has authentication enabled (sent as HTTP basic authentication).</summary>
    public string? Username { get; set; }

    /// <summary>The password that goes with <see cref="Username"/>.</summary>
    public string? Password { get; set; }

    /// <summary>Whether to run <c>CREATE DATABASE</c> (idempotent) before the first write. Default false.</summary>
    public bool CreateDatabase { get; set; }

    /// <summary>How long one HTTP request may take before it counts as a transient failure. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An HTTP handler to send requests through (proxies, TLS settings, tests); null for a default one.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <inheritdoc />
    protected override void Validate(ICollection<string> errors)
    {
        base.Validate(errors);
        if (ServerUri is null)
        {
            errors.Add("ServerUri is required (for example http://127.0.0.1:8086/).");
        }
        else if (!ServerUri.IsAbsoluteUri || (ServerUri.Scheme != Uri.UriSchemeHttp && ServerUri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"ServerUri must be an absolute http or https address (was '{ServerUri}').");
        }

        if (string.IsNullOrWhiteSpace(Database))
        {
            errors.Add("Database is required.");
        }

        if (RetentionPolicy is not null && string.IsNullOrWhiteSpace(RetentionPolicy))
        {
            errors.Add("RetentionPolicy must not be blank; leave it null for the default policy.");
        }

        if (Password is not null && Username is null)
        {
            errors.Add("Password is set but Username is not.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"RequestTimeout must be positive (was {RequestTimeout}).");
        }

        if (!Enum.IsDefined(Precision))
        {
            errors.Add($"Precision '{Precision}' is not one of Nanoseconds, Microseconds, Milliseconds, Seconds.");
        }
    }
}
