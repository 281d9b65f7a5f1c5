namespace NgsiFlow.Cli.Demo;

/// <summary>What <c>ngsiflow demo</c> was asked to do.</summary>
internal sealed record DemoOptions
{
    /// <summary>A broker to use instead of the embedded one.</summary>
    public Uri? Broker { get; init; }

    /// <summary>The receiver's URL as the broker reaches it (a remote broker); default: the listening address.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Port of the notification receiver (0: any free port).</summary>
    public int ReceiverPort { get; init; }

    /// <summary>How many entities the rows are spread over.</summary>
    public int Entities { get; init; } = 1;

    /// <summary>How many updates to send (null: one per row of the data set).</summary>
    public int? Updates { get; init; }

    /// <summary>Updates per second; 0 is as fast as the broker accepts them.</summary>
    public double Rate { get; init; }

    /// <summary>Where to write the summary as JSON.</summary>
    public string? SummaryJson { get; init; }

    /// <summary>Keep broker and dashboard up after the replay until Ctrl+C.</summary>
    public bool KeepRunning { get; init; }

    /// <summary>Skip the web page.</summary>
    public bool NoDashboard { get; init; }

    /// <summary>Port of the web page (0: any free port).</summary>
    public int DashboardPort { get; init; } = 8080;

    /// <summary>A model file instead of the repository's.</summary>
    public string? ModelPath { get; init; }

    /// <summary>A data file instead of the repository's.</summary>
    public string? DataPath { get; init; }

    /// <summary>How the broker notifies the jobs: "http" or "mqtt".</summary>
    public string Notifications { get; init; } = "http";

    /// <summary>With MQTT notifications, an MQTT broker to use instead of a mosquitto the demo starts.</summary>
    public Uri? MqttBroker { get; init; }

    /// <summary>Whether notifications go over MQTT.</summary>
    public bool UsesMqtt => string.Equals(Notifications, "mqtt", StringComparison.OrdinalIgnoreCase);

    /// <summary>How long to wait for the last predictions after the last update before counting them lost.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One error message per bad value, or none.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Entities < 1)
        {
            errors.Add($"--entities must be at least 1 (was {Entities}).");
        }

        if (Updates is < 1)
        {
            errors.Add($"--updates must be at least 1 (was {Updates}).");
        }

        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
        {
            errors.Add($"--rate must be 0 (as fast as possible) or a positive number of updates per second (was {Rate}).");
        }

        if (DashboardPort is < 0 or > 65535)
        {
            errors.Add($"--dashboard-port must be between 0 and 65535 (was {DashboardPort}).");
        }

        if (ReceiverPort is < 0 or > 65535)
        {
            errors.Add($"--receiver-port must be between 0 and 65535 (was {ReceiverPort}).");
        }

        if (Broker is { } b && !(b.IsAbsoluteUri && b.Scheme is "http" or "https"))
        {
            errors.Add($"--broker must be an http(s) URL such as http://localhost:1026 (was '{b}').");
        }

        if (!string.Equals(Notifications, "http", StringComparison.OrdinalIgnoreCase) && !UsesMqtt)
        {
            errors.Add($"--notifications must be http or mqtt (was '{Notifications}').");
        }

        if (MqttBroker is not null && !UsesMqtt)
        {
            errors.Add("--mqtt-broker needs --notifications mqtt.");
        }

        return errors;
    }
}
