namespace NgsiFlow.Cli.Pipelines;

/// <summary>What every pipeline demo is asked about its dashboard and summary.</summary>
internal abstract record PipelineDemoOptions
{
    /// <summary>Skip the web page.</summary>
    public bool NoDashboard { get; init; }

    /// <summary>Port of the web page (0: any free port).</summary>
    public int DashboardPort { get; init; } = 8080;

    /// <summary>Keep the dashboard up after the run until Ctrl+C.</summary>
    public bool KeepRunning { get; init; }

    /// <summary>Where to write the summary as JSON.</summary>
    public string? SummaryJson { get; init; }
}
