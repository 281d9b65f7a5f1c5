using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>
/// A scatter chart of points arriving live, such as predicted against actual values. It keeps the most
/// recent <see cref="DashboardFeedOptions.MaxPointsPerPanel"/> points. Created by <see cref="DashboardFeed.AddScatter"/>.
/// </summary>
public sealed class ScatterPanel : DashboardPanel
{
    private readonly PointPanelBuffer _buffer;

    internal ScatterPanel(string id, string title, string xLabel, string yLabel, bool identityLine, int capacity)
        : base(id, title)
    {
        XLabel = xLabel;
        YLabel = yLabel;
        IdentityLine = identityLine;
        _buffer = new PointPanelBuffer(capacity, 2);
    }

    /// <summary>The x axis label.</summary>
    public string XLabel { get; }

    /// <summary>The y axis label.</summary>
    public string YLabel { get; }

    /// <summary>Whether the chart draws the line y = x (where predictions equal the truth).</summary>
    public bool IdentityLine { get; }

    /// <summary>How many points were published to the panel since it was created.</summary>
    public long PointCount => _buffer.Published;

    /// <inheritdoc />
    internal override string Kind => "scatter";

    /// <summary>Adds one point; never blocks on the browsers.</summary>
    /// <param name="x">The x value.</param>
    /// <param name="y">The y value.</param>
    public void Add(double x, double y) => _buffer.Add([x, y]);

    /// <summary>Removes every point from the chart.</summary>
    public void Clear() => _buffer.Clear();

    /// <inheritdoc />
    internal override void WriteDefinition(Utf8JsonWriter writer)
    {
        writer.WriteString("xLabel", XLabel);
        writer.WriteString("yLabel", YLabel);
        writer.WriteBoolean("identityLine", IdentityLine);
    }

    /// <inheritdoc />
    internal override bool CommitTo(Utf8JsonWriter writer) => _buffer.CommitTo(writer);

    /// <inheritdoc />
    internal override void WriteState(Utf8JsonWriter writer) => _buffer.WriteState(writer);
}
