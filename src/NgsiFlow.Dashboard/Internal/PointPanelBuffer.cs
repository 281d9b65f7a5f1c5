using System.Text.Json;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// The two buffers of a point panel: what publishers added since the last frame (pending, behind its own small
/// lock so that publishers never wait for a frame to be serialised) and what the browsers have been sent (committed).
/// </summary>
internal sealed class PointPanelBuffer
{
    private readonly Lock _pendingGate = new();
    private PointRing _pending;
    private PointRing _spare;
    private readonly PointRing _committed;
    private bool _pendingReset;
    private long _published;

    public PointPanelBuffer(int capacity, int dimension)
    {
        _pending = new PointRing(capacity, dimension);
        _spare = new PointRing(capacity, dimension);
        _committed = new PointRing(capacity, dimension);
    }

    /// <summary>How many points were published in total.</summary>
    public long Published => Interlocked.Read(ref _published);

    public void Add(ReadOnlySpan<double> point)
    {
        lock (_pendingGate)
        {
            _pending.Add(point);
            _published++;
        }
    }

    public void Clear()
    {
        lock (_pendingGate)
        {
            _pending.Clear();
            _pendingReset = true;
        }
    }

    /// <summary>Commits the pending points; caller holds the feed's commit lock.</summary>
    public bool CommitTo(Utf8JsonWriter writer)
    {
        PointRing batch;
        bool reset;
        lock (_pendingGate)
        {
            if (_pending.Count == 0 && !_pendingReset)
            {
                return false;
            }

            batch = _pending;
            _pending = _spare;
            reset = _pendingReset;
            _pendingReset = false;
        }

        if (reset)
        {
            _committed.Clear();
            writer.WriteBoolean("reset", true);
        }

        _committed.AddAll(batch);
        writer.WritePropertyName("points");
        batch.WriteTo(writer);
        writer.WriteNumber("total", Published);
        batch.Clear();
        _spare = batch;
        return true;
    }

    /// <summary>Writes the committed points; caller holds the feed's commit lock.</summary>
    public void WriteState(Utf8JsonWriter writer)
    {
        writer.WritePropertyName("points");
        _committed.WriteTo(writer);
        writer.WriteNumber("total", Published);
    }
}
