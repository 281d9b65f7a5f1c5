namespace NgsiFlow.Cli.Demo;

/// <summary>
/// One scenario of <c>ngsiflow demo</c>. The host owns what every scenario shares (the broker, the dashboard, the
/// terminal and the summary file); a scenario creates its entities, runs its job, replays its data and measures.
/// </summary>
internal interface IDemoScenario : IAsyncDisposable
{
    /// <summary>The name on the command line (<c>ngsiflow demo NAME</c>).</summary>
    string Name { get; }

    /// <summary>A one-line title for the terminal and the dashboard.</summary>
    string Title { get; }

    /// <summary>Checks the scenario's files (model, data) before anything starts; throws <see cref="DemoException"/>.</summary>
    /// <param name="options">The command's options.</param>
    void Prepare(DemoOptions options);

    /// <summary>Runs the scenario to its end and returns its figures.</summary>
    /// <param name="context">Broker, dashboard and progress reporting.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    /// <returns>The summary.</returns>
    Task<DemoSummary> RunAsync(DemoContext context, CancellationToken cancellationToken);
}
