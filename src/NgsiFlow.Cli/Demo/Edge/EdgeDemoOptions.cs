using NgsiFlow.Cli.Pipelines;

namespace NgsiFlow.Cli.Demo.Edge;

/// <summary>What <c>ngsiflow demo edge</c> was asked to do.</summary>
internal sealed record EdgeDemoOptions : PipelineDemoOptions
{
    /// <summary>How many devices post readings.</summary>
    public int Devices { get; init; } = 20;

    /// <summary>Readings per device.</summary>
    public int Readings { get; init; } = 500;

    /// <summary>Readings per second over all devices; 0 is as fast as the ingest endpoint takes them.</summary>
    public double Rate { get; init; } = 1000;

    /// <summary>Readings per HTTP request (JSON lines).</summary>
    public int PerRequest { get; init; } = 50;

    /// <summary>Seed of the device simulator.</summary>
    public int Seed { get; init; } = 11;

    /// <summary>Where the Parquet files go (null: a new temporary directory, kept after the run).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>One message per bad value.</summary>
    /// <returns>The errors; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Devices is < 1 or > 10_000)
        {
            errors.Add($"--devices must be between 1 and 10000 (was {Devices}).");
        }

        if (Readings < 1)
        {
            errors.Add($"--readings must be at least 1 (was {Readings}).");
        }

        if (PerRequest is < 1 or > 10_000)
        {
            errors.Add($"--per-request must be between 1 and 10000 (was {PerRequest}).");
        }

        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
        {
            errors.Add($"--rate must be 0 (as fast as possible) or a positive number of readings per second (was {Rate}).");
        }

        if (DashboardPort is < 0 or > 65535)
        {
            errors.Add($"--dashboard-port must be between 0 and 65535 (was {DashboardPort}).");
        }

        return errors;
    }
}
