using NgsiFlow.Cli.Pipelines;

namespace NgsiFlow.Cli.Demo.Detector;

/// <summary>What <c>ngsiflow demo detector</c> was asked to do.</summary>
internal sealed record DetectorDemoOptions : PipelineDemoOptions
{
    /// <summary>Run on this RabbitMQ server instead of in process.</summary>
    public Uri? RabbitMq { get; init; }

    /// <summary>How long to generate hits.</summary>
    public double Seconds { get; init; } = 30;

    /// <summary>Stop after this many records (null: no limit besides <see cref="Seconds"/>).</summary>
    public long? Hits { get; init; }

    /// <summary>Records per second; 0 generates them as fast as the pipeline takes them.</summary>
    public double Rate { get; init; } = 20_000;

    /// <summary>The batch interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Records per RabbitMQ message.</summary>
    public int LinesPerMessage { get; init; } = 100;

    /// <summary>Seed of the hit generator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>One message per bad value.</summary>
    /// <returns>The errors; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(Seconds > 0) || double.IsInfinity(Seconds))
        {
            errors.Add($"--seconds must be a positive number (was {Seconds}).");
        }

        if (Hits is < 1)
        {
            errors.Add($"--hits must be at least 1 (was {Hits}).");
        }

        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
        {
            errors.Add($"--rate must be 0 (as fast as possible) or a positive number of records per second (was {Rate}).");
        }

        if (Interval <= TimeSpan.Zero)
        {
            errors.Add($"--batch-seconds must be positive (was {Interval.TotalSeconds}).");
        }

        if (LinesPerMessage < 1)
        {
            errors.Add($"--lines-per-message must be at least 1 (was {LinesPerMessage}).");
        }

        if (DashboardPort is < 0 or > 65535)
        {
            errors.Add($"--dashboard-port must be between 0 and 65535 (was {DashboardPort}).");
        }

        if (RabbitMq is { } r && !(r.IsAbsoluteUri && r.Scheme is "amqp" or "amqps"))
        {
            errors.Add($"--rabbitmq must be an amqp:// URL such as amqp://guest:guest@127.0.0.1:5672/ (was '{r}').");
        }

        return errors;
    }
}
