using System.Text.Json;
using NgsiFlow.Dashboard.Internal;

namespace NgsiFlow.Dashboard;

/// <summary>
/// A line chart over time with one or more series (for example the error over time, or a temperature with
/// its predicted regime on a right axis). It keeps the most recent <see cref="DashboardFeedOptions.MaxPointsPerPanel"/>
/// points. Created by <see cref="DashboardFeed.AddTimeSeries(string, string, string, ChartSeries[])"/>.
/// </summary>
public sealed class TimeSeriesPanel : DashboardPanel
{
    private readonly PointPanelBuffer _buffer;

    internal TimeSeriesPanel(string id, string title, string yLabel, IReadOnlyList<ChartSeries> series, int capacity)
        : base(id, title)
    {
        YLabel = yLabel;
        Series = series;
        _buffer = new PointPanelBuffer(capacity, 1 + series.Count);
    }

    /// <summary>The left y axis label.</summary>
    public string YLabel { get; }

    /// <summary>The series, in the order <see cref="Add(DateTimeOffset, double[])"/> takes their values.</summary>
    public IReadOnlyList<ChartSeries> Series { get; }

    /// <summary>How many points were published to the panel since it was created.</summary>
    public long PointCount => _buffer.Published;

    /// <inheritdoc />
    internal override string Kind => "timeseries";

    /// <summary>Adds one point in time with one value per series (NaN for a series without a value at that time).</summary>
    /// <param name="time">The point's time.</param>
    /// <param name="values">One value per series, in the order of <see cref="Series"/>.</param>
    /// <exception cref="ArgumentException">The number of values is not the number of series.</exception>
    public void Add(DateTimeOffset time, params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Series.Count)
        {
            throw new ArgumentException($"Time-series panel '{Id}' has {Series.Count} series but {values.Length} values were published.", nameof(values));
        }

        Span<double> point = values.Length <= 15 ? stackalloc double[1 + values.Length] : new double[1 + values.Length];
        point[0] = time.ToUnixTimeMilliseconds() / 1000.0;
        values.CopyTo(point[1..]);
        _buffer.Add(point);
    }

    /// <summary>Adds one point stamped with the current time.</summary>
    /// <param name="values">One value per series, in the order of <see cref="Series"/>.</param>
    public void Add(params double[] values) => Add(DateTimeOffset.UtcNow, values);

    /// <summary>Removes every point from the chart.</summary>
    public void Clear() => _buffer.Clear();

    /// <inheritdoc />
    internal override void WriteDefinition(Utf8JsonWriter writer)
    {
        writer.WriteString("yLabel", YLabel);
        writer.WriteStartArray("series");
        foreach (var s in Series)
        {
            writer.WriteStartObject();
            writer.WriteString("name", s.Name);
            if (s.Unit is not null)
            {
                writer.WriteString("unit", s.Unit);
            }

            if (s.Color is not null)
            {
                writer.WriteString("color", s.Color);
            }

            writer.WriteBoolean("rightAxis", s.RightAxis);
            writer.WriteBoolean("stepped", s.Stepped);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <inheritdoc />
    internal override bool CommitTo(Utf8JsonWriter writer) => _buffer.CommitTo(writer);

    /// <inheritdoc />
    internal override void WriteState(Utf8JsonWriter writer) => _buffer.WriteState(writer);
}
