using System.Globalization;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// Places an update in its key's windows and says which windows to write: the window it went into (emit: update) or
/// the windows it closed (emit: close). Time only moves with the key's own updates (no timers), so that a cluster
/// node that takes the key over after a failure computes exactly what the failed one would have.
/// </summary>
internal sealed class WindowLogic(JobWindow window)
{
    private static readonly string[] DefaultTimeAttributes = ["dateObserved", "TimeInstant", "observedAt"];

    public JobWindow Window { get; } = window;

    /// <summary>The update's time (Unix ms), or null when its time attribute was named but is missing or not a date.</summary>
    public long? TimeOf(NgsiEvent e)
    {
        var fallback = (e.NotifiedAt ?? e.ReceivedAt).ToUnixTimeMilliseconds();
        if (Window.Time == JobTimeSource.Notification)
        {
            return fallback;
        }

        if (Window.TimeAttribute is { } named)
        {
            return e.Entity.TryGetValue(named, out var v) && TryTime(v, out var t) ? t : null;
        }

        foreach (var name in DefaultTimeAttributes)
        {
            if (e.Entity.TryGetValue(name, out var v) && TryTime(v, out var t))
            {
                return t;
            }
        }

        return fallback;
    }

    /// <summary>Adds an update at <paramref name="time"/>; false when it is too late for every window it belongs to.</summary>
    public bool Add(JobState state, long time, Func<int, double?> value, List<WindowAccumulator> emit)
    {
        var added = Window.Kind == JobWindowKind.Session ? AddToSession(state, time, value, emit) : AddToFixed(state, time, value, emit);
        if (Window.Emit == JobWindowEmit.Update && added is { } open)
        {
            emit.Add(open);
        }

        return added is not null;
    }

    private WindowAccumulator? AddToFixed(JobState state, long time, Func<int, double?> value, List<WindowAccumulator> emit)
    {
        var size = (long)Window.Size.TotalMilliseconds;
        var slide = (long)Window.Slide.TotalMilliseconds;
        WindowAccumulator? latest = null;
        var first = (time >= 0 ? time / slide : ((time + 1) / slide) - 1) * slide;
        for (var start = first; start + size > time; start -= slide)
        {
            if (start + size <= state.Watermark)
            {
                continue; // closed already: the update is late for this window
            }

            var w = state.Windows.Find(x => x.Start == start);
            if (w is null)
            {
                w = WindowAccumulator.Create(start, start + size, Window.Aggregates.Count);
                state.Windows.Add(w);
                state.Windows.Sort((a, b) => a.Start.CompareTo(b.Start));
            }

            Accumulate(w, value);
            latest ??= w;
        }

        state.Watermark = Math.Max(state.Watermark, time);
        for (var i = 0; i < state.Windows.Count;)
        {
            if (state.Windows[i].End <= state.Watermark)
            {
                if (Window.Emit == JobWindowEmit.Close)
                {
                    emit.Add(state.Windows[i]);
                }

                state.Windows.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        return latest;
    }

    private WindowAccumulator? AddToSession(JobState state, long time, Func<int, double?> value, List<WindowAccumulator> emit)
    {
        var gap = (long)Window.Gap.TotalMilliseconds;
        var open = state.Windows.Count > 0 ? state.Windows[0] : null;
        if (open is not null && time < open.Start - gap)
        {
            return null; // before the open session's reach: its own session closed long ago
        }

        if (open is not null && time >= open.End)
        {
            if (Window.Emit == JobWindowEmit.Close)
            {
                emit.Add(open);
            }

            state.Windows.Clear();
            open = null;
        }

        if (open is null)
        {
            open = WindowAccumulator.Create(time, time + gap, Window.Aggregates.Count);
            state.Windows.Add(open);
        }
        else
        {
            open.Start = Math.Min(open.Start, time);
            open.End = Math.Max(open.End, time + gap);
        }

        state.Watermark = Math.Max(state.Watermark, time);
        Accumulate(open, value);
        return open;
    }

    private void Accumulate(WindowAccumulator w, Func<int, double?> value)
    {
        w.Count++;
        for (var i = 0; i < Window.Aggregates.Count; i++)
        {
            if (Window.Aggregates[i].Op != JobAggregateOp.Count && value(i) is { } v)
            {
                w.Add(i, v);
            }
        }
    }

    private static bool TryTime(NgsiValue v, out long time)
    {
        if (v.TryGetDateTime(out var date))
        {
            time = date.ToUnixTimeMilliseconds();
            return true;
        }

        if (v.TryGetString(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            time = date.ToUnixTimeMilliseconds();
            return true;
        }

        time = 0;
        return false;
    }
}
