using System.Text.Json;

namespace NgsiFlow.Dashboard;

/// <summary>
/// A chart card that a job adds to its dashboard through <see cref="DashboardFeed"/>
/// (<see cref="ScatterPanel"/>, <see cref="TimeSeriesPanel"/>, <see cref="HistogramPanel"/>).
/// Publishing to a panel never blocks on the browsers: it only touches a bounded in-memory buffer.
/// </summary>
public abstract class DashboardPanel
{
    private protected DashboardPanel(string id, string title)
    {
        Id = id;
        Title = title;
    }

    /// <summary>The panel's id, unique within its feed.</summary>
    public string Id { get; }

    /// <summary>The title shown on the card.</summary>
    public string Title { get; }

    /// <summary>Whether a frame has announced this panel to the browsers yet; read and written under the feed's commit lock.</summary>
    internal bool Announced { get; set; }

    /// <summary>The kind the page dispatches on: <c>scatter</c>, <c>timeseries</c> or <c>histogram</c>.</summary>
    internal abstract string Kind { get; }

    /// <summary>Writes the kind-specific properties of the panel's definition (labels, series).</summary>
    internal abstract void WriteDefinition(Utf8JsonWriter writer);

    /// <summary>
    /// Moves what was published since the last commit into the committed state and writes it as properties of
    /// the panel's update object; returns false, writing nothing, when nothing changed. Called under the feed's commit lock.
    /// </summary>
    internal abstract bool CommitTo(Utf8JsonWriter writer);

    /// <summary>Writes the whole committed state as properties of the panel object, replacing what the page had. Called under the feed's commit lock.</summary>
    internal abstract void WriteState(Utf8JsonWriter writer);

    /// <summary>Writes the panel's definition and its whole committed state as one object.</summary>
    internal void WriteFull(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteStartObject("def");
        writer.WriteString("kind", Kind);
        writer.WriteString("title", Title);
        WriteDefinition(writer);
        writer.WriteEndObject();
        writer.WriteBoolean("reset", true);
        WriteState(writer);
        writer.WriteEndObject();
    }
}
