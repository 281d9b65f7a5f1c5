using NgsiFlow.Cli.Pipelines;

namespace NgsiFlow.Cli.Demo.Regimes;

/// <summary>What <c>ngsiflow demo regimes</c> was asked to do.</summary>
internal sealed record RegimesDemoOptions : PipelineDemoOptions
{
    /// <summary>Run the readings and results queues on this RabbitMQ server instead of in process.</summary>
    public Uri? RabbitMq { get; init; }

    /// <summary>Write temperature and regime to this InfluxDB 1.x server (null: skip InfluxDB).</summary>
    public Uri? Influx { get; init; }

    /// <summary>The InfluxDB database (created when missing).</summary>
    public string InfluxDatabase { get; init; } = "ngsiflow";

    /// <summary>Readings per machine.</summary>
    public int Readings { get; init; } = 1500;

    /// <summary>Readings per second over all machines; 0 is as fast as possible.</summary>
    public double Rate { get; init; } = 50;

    /// <summary>How many machines.</summary>
    public int Machines { get; init; } = 1;

    /// <summary>Seed of the temperature generator.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>The MLP model (null: the repository's models/regimes-mlp.onnx).</summary>
    public string? ModelPath { get; init; }

    /// <summary>One message per bad value.</summary>
    /// <returns>The errors; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Readings < 1)
        {
            errors.Add($"--readings must be at least 1 (was {Readings}).");
        }

        if (Machines is < 1 or > 100)
        {
            errors.Add($"--machines must be between 1 and 100 (was {Machines}).");
        }

        if (Rate < 0 || double.IsNaN(Rate) || double.IsInfinity(Rate))
        {
            errors.Add($"--rate must be 0 (as fast as possible) or a positive number of readings per second (was {Rate}).");
        }

        if (DashboardPort is < 0 or > 65535)
        {
            errors.Add($"--dashboard-port must be between 0 and 65535 (was {DashboardPort}).");
        }

        if (string.IsNullOrWhiteSpace(InfluxDatabase))
        {
            errors.Add("--influx-database must not be empty.");
        }

        return errors;
    }
}
