using System.Collections.Concurrent;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>
/// What a running job shows on its live dashboard: the job's state, the process's <c>NgsiFlow.*</c> metrics
/// (read automatically), broker subscriptions, the latest entities, named values and scenario panels.
/// </summary>
/// <remarks>
/// <para>
/// Every publishing method is thread-safe, cheap and never waits for a browser: it updates a bounded in-memory
/// state. A background loop sends what changed to each connected page at most every
/// <see cref="DashboardFeedOptions.FrameInterval"/>, batching everything published in between. A page that joins
/// late, or falls behind, receives a snapshot of the current state.
/// </para>
/// <para>
/// Serve a feed with <see cref="DashboardEndpointRouteBuilderExtensions.MapNgsiFlowDashboard"/> in an existing
/// web application, or with <see cref="DashboardServer.StartAsync"/> on its own port.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using var feed = new DashboardFeed(new DashboardFeedOptions { JobName = "concrete" });
/// var scatter = feed.AddScatter("strength", "Predicted vs actual strength", "actual (MPa)", "predicted (MPa)", identityLine: true);
/// await using var server = await DashboardServer.StartAsync(new DashboardServerOptions { Feed = feed }, ct);
/// Console.WriteLine($"Dashboard: {server.BaseAddress}");
/// scatter.Add(actual, predicted);
/// feed.SetValue("MAE", mae, "MPa");
/// </code>
/// </example>
public sealed partial class DashboardFeed : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<string, DashboardPanel> _panels = new(StringComparer.Ordinal);
    private readonly Lock _panelOrderGate = new();
    private readonly List<DashboardPanel> _panelOrder = [];
    private readonly MetricsCollector? _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Creates a feed and starts its background loop (and its metrics listener, unless disabled).</summary>
    /// <param name="options">The settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public DashboardFeed(DashboardFeedOptions? options = null)
    {
        Options = options ?? new DashboardFeedOptions();
        Options.Validate();
        _entities = new EntityStore(Options.MaxEntities);
        _jobName = Options.JobName;
        StartedAt = DateTimeOffset.UtcNow;
        if (Options.CollectMetrics)
        {
            _metrics = new MetricsCollector(Options.MeterPrefix, Options.MetricsHistory);
        }

        _loop = Options.ManualTicks ? Task.CompletedTask : Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>The settings the feed was created with.</summary>
    public DashboardFeedOptions Options { get; }

    /// <summary>When the feed was created (shown as the job's uptime).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The panels, in the order they were added.</summary>
    public IReadOnlyList<DashboardPanel> Panels
    {
        get
        {
            lock (_panelOrderGate)
            {
                return [.. _panelOrder];
            }
        }
    }

    /// <summary>How many pages are connected now.</summary>
    public int ConnectedClients => _clients.Count;

    /// <summary>Fires when the feed is disposed; the page endpoints end their streams on it.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>Adds a scatter chart, for example predicted against actual values.</summary>
    /// <param name="id">A unique id for the panel (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>).</param>
    /// <param name="title">The card's title.</param>
    /// <param name="xLabel">The x axis label.</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="identityLine">Draw the line y = x, where a prediction equals the truth.</param>
    /// <returns>The panel, to publish points to.</returns>
    /// <exception cref="ArgumentException">The id is empty, malformed or taken.</exception>
    public ScatterPanel AddScatter(string id, string title, string xLabel, string yLabel, bool identityLine = false)
    {
        ValidateId(id);
        return Register(new ScatterPanel(id, title ?? id, xLabel ?? "", yLabel ?? "", identityLine, Options.MaxPointsPerPanel));
    }

    /// <summary>Adds a line chart over time.</summary>
    /// <param name="id">A unique id for the panel.</param>
    /// <param name="title">The card's title.</param>
    /// <param name="yLabel">The left y axis label.</param>
    /// <param name="series">The series (at least one), in the order their values are published.</param>
    /// <returns>The panel, to publish points to.</returns>
    /// <exception cref="ArgumentException">The id is empty, malformed or taken, or there is no series, or two series share a name.</exception>
    public TimeSeriesPanel AddTimeSeries(string id, string title, string yLabel, params ChartSeries[] series)
    {
        ValidateId(id);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Length == 0 || series.Length > 32)
        {
            throw new ArgumentException($"Time-series panel '{id}' needs between 1 and 32 series (got {series.Length}).", nameof(series));
        }

        ValidateSeriesNames(id, series.Select(s => s?.Name), nameof(series));
        return Register(new TimeSeriesPanel(id, title ?? id, yLabel ?? "", [.. series], Options.MaxPointsPerPanel));
    }

    /// <summary>Adds a line chart over time whose series are given by name only.</summary>
    /// <param name="id">A unique id for the panel.</param>
    /// <param name="title">The card's title.</param>
    /// <param name="yLabel">The left y axis label.</param>
    /// <param name="series">The series names (at least one), in the order their values are published.</param>
    /// <returns>The panel, to publish points to.</returns>
    /// <exception cref="ArgumentException">The id is empty, malformed or taken, or there is no series, or two series share a name.</exception>
    public TimeSeriesPanel AddTimeSeries(string id, string title, string yLabel, params string[] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        ValidateSeriesNames(id, series, nameof(series));
        return AddTimeSeries(id, title, yLabel, series.Select(s => new ChartSeries(s)).ToArray());
    }

    /// <summary>Adds a bar chart over categories or bins, with one or more series side by side.</summary>
    /// <param name="id">A unique id for the panel.</param>
    /// <param name="title">The card's title.</param>
    /// <param name="xLabel">What the categories or bins are.</param>
    /// <param name="yLabel">What is counted.</param>
    /// <param name="series">The series names; none means a single series named <c>count</c>.</param>
    /// <returns>The panel, to publish counts to.</returns>
    /// <exception cref="ArgumentException">The id is empty, malformed or taken, or two series share a name.</exception>
    public HistogramPanel AddHistogram(string id, string title, string xLabel, string yLabel, params string[] series)
    {
        ValidateId(id);
        series = series is null || series.Length == 0 ? ["count"] : series;
        if (series.Length > 32)
        {
            throw new ArgumentException($"Histogram panel '{id}' takes at most 32 series (got {series.Length}).", nameof(series));
        }

        ValidateSeriesNames(id, series, nameof(series));
        return Register(new HistogramPanel(id, title ?? id, xLabel ?? "", yLabel ?? "", [.. series]));
    }

    /// <summary>The panel with this id.</summary>
    /// <param name="id">The panel id.</param>
    /// <returns>The panel.</returns>
    /// <exception cref="KeyNotFoundException">No panel has this id.</exception>
    public DashboardPanel GetPanel(string id) =>
        _panels.TryGetValue(id, out var panel) ? panel : throw new KeyNotFoundException($"The dashboard has no panel '{id}'.");

    /// <summary>Adds a point to a scatter panel.</summary>
    /// <param name="panelId">The scatter panel's id.</param>
    /// <param name="x">The x value.</param>
    /// <param name="y">The y value.</param>
    /// <exception cref="ArgumentException">No scatter panel has this id.</exception>
    public void Publish(string panelId, double x, double y) => Get<ScatterPanel>(panelId).Add(x, y);

    /// <summary>Adds a point to a time-series panel.</summary>
    /// <param name="panelId">The time-series panel's id.</param>
    /// <param name="time">The point's time.</param>
    /// <param name="values">One value per series.</param>
    /// <exception cref="ArgumentException">No time-series panel has this id, or the number of values is wrong.</exception>
    public void Publish(string panelId, DateTimeOffset time, params double[] values) => Get<TimeSeriesPanel>(panelId).Add(time, values);

    /// <summary>Replaces the contents of a histogram panel.</summary>
    /// <param name="panelId">The histogram panel's id.</param>
    /// <param name="categories">The category or bin labels.</param>
    /// <param name="counts">One list of counts per series.</param>
    /// <exception cref="ArgumentException">No histogram panel has this id, or the counts do not match.</exception>
    public void Publish(string panelId, IReadOnlyList<string> categories, params IReadOnlyList<double>[] counts) => Get<HistogramPanel>(panelId).Set(categories, counts);

    /// <summary>Stops the background loop and the metrics listener, and ends every page's stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        Shutdown();
    }

    /// <summary>Stops the background loop and the metrics listener, and ends every page's stream.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        Shutdown();
    }

    private void Shutdown()
    {
        _metrics?.Dispose();
        foreach (var client in _clients.Keys)
        {
            client.Complete();
        }

        // _stopping is not disposed: pages that connect after disposal still link to its (cancelled) token and end at once.
    }

    private T Get<T>(string panelId)
        where T : DashboardPanel
    {
        if (!_panels.TryGetValue(panelId, out var panel))
        {
            throw new ArgumentException($"The dashboard has no panel '{panelId}'.", nameof(panelId));
        }

        return panel as T ?? throw new ArgumentException($"Panel '{panelId}' is a {panel.Kind} panel, not a {typeof(T).Name}.", nameof(panelId));
    }

    private T Register<T>(T panel)
        where T : DashboardPanel
    {
        lock (_panelOrderGate)
        {
            if (!_panels.TryAdd(panel.Id, panel))
            {
                throw new ArgumentException($"The dashboard already has a panel '{panel.Id}'.", nameof(panel));
            }

            _panelOrder.Add(panel);
        }

        return panel;
    }

    private static void ValidateId(string id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A panel id must not be empty.", nameof(id));
        }

        if (id.Length > 100 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"Panel id '{id}' may only hold letters, digits, '-', '_' and '.' (at most 100 characters).", nameof(id));
        }
    }

    private static void ValidateSeriesNames(string id, IEnumerable<string?> names, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"Panel '{id}': a series name must not be empty.", parameter);
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"Panel '{id}': two series are named '{name}'.", parameter);
            }
        }
    }
}
