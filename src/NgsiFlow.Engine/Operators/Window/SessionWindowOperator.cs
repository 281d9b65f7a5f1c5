using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Window;

/// <summary>
/// Session windows: per key, sessions [first event, last event + gap) that merge when an event bridges them.
/// Emitting scans the keys with open sessions, so its cost grows with the number of keys rather than events.
/// </summary>
internal sealed class SessionWindowOperator<TKey, T, TAcc, TOut> : WindowOperatorBase<TKey, T, TAcc, TOut>
    where TKey : notnull
{
    private readonly long _gap;
    private readonly Dictionary<TKey, List<Session>> _sessions = [];
    private readonly List<TKey> _emptied = [];
    private readonly List<(TKey Key, Session Session)> _due = [];
    private readonly List<(TKey Key, Session Session)> _updated = [];
    private long _earliestUnfired = long.MaxValue;

    public SessionWindowOperator(WindowSettings<TKey, T, TAcc, TOut> settings, BuildContext context, ChunkObserver<WindowResult<TKey, TOut>> next, ChunkObserver<T> lateOutput)
        : base(settings, context, next, lateOutput)
    {
        _gap = settings.Spec.Size.Ticks;
        RestoreFrom(context.RestoredSegments(settings.Name));
    }

    protected override long Absorb(Chunk<T> chunk, long now)
    {
        var maxTime = long.MinValue;
        var watermark = Watermark;
        for (var i = 0; i < chunk.Count; i++)
        {
            var item = chunk.Items[i];
            var t = EventTime is null ? now : EventTime(item);
            var key = KeyOf(item);
            if (!_sessions.TryGetValue(key, out var sessions))
            {
                _sessions[key] = sessions = [];
            }

            // A session the event falls into or extends: it starts at most a gap after the event, and ends after it.
            Session? fired = null;
            foreach (var s in sessions)
            {
                if (s.Fired && s.Start - _gap <= t && t < s.End)
                {
                    fired = s;
                    break;
                }
            }

            if (t + _gap <= watermark || fired is not null)
            {
                if (Lateness.Action != LatenessAction.ReemitUpdated)
                {
                    OnLate(chunk, i, Lateness.Action);
                    continue;
                }

                if (fired is null || fired.End + AllowedLateness <= watermark)
                {
                    OnLate(chunk, i, Lateness.Beyond);
                    continue;
                }

                Interlocked.Increment(ref Counters.LateReemitted);
                var accumulator = fired.Accumulator;
                Aggregate.Add(ref accumulator, item);
                fired.Accumulator = accumulator;
                fired.Start = Math.Min(fired.Start, t);
                if (!fired.Updated)
                {
                    fired.Updated = true;
                    _updated.Add((key, fired));
                }
            }
            else
            {
                Assign(sessions, t, item);
            }

            if (t > maxTime)
            {
                maxTime = t;
            }
        }

        return maxTime;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask FireAsync(long watermark, CancellationToken cancellationToken)
    {
        _due.Clear();
        _emptied.Clear();
        var earliest = long.MaxValue;
        foreach (var (key, sessions) in _sessions)
        {
            for (var i = sessions.Count - 1; i >= 0; i--)
            {
                var session = sessions[i];
                if (!session.Fired && session.End <= watermark)
                {
                    session.Fired = true;
                    _due.Add((key, session));
                }

                if (session.Fired && session.End + AllowedLateness <= watermark)
                {
                    sessions.RemoveAt(i);
                }
                else if (!session.Fired)
                {
                    earliest = Math.Min(earliest, session.Start);
                }
            }

            if (sessions.Count == 0)
            {
                _emptied.Add(key);
            }
        }

        foreach (var key in _emptied)
        {
            _sessions.Remove(key);
        }

        _earliestUnfired = earliest;
        _due.Sort(static (a, b) => a.Session.Start.CompareTo(b.Session.Start));
        foreach (var (key, session) in _due)
        {
            await EmitResultAsync(key, session.Start, session.End, session.Accumulator, false, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref Counters.Batches);
        }

        _due.Clear();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask FlushUpdatesAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, session) in _updated)
        {
            session.Updated = false;
            await EmitResultAsync(key, session.Start, session.End, session.Accumulator, true, cancellationToken).ConfigureAwait(false);
        }

        _updated.Clear();
        await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override long EarliestUnfiredStart() => _earliestUnfired;

    protected override IEnumerable<WindowStateEntry<TKey, TAcc>> SaveState()
    {
        foreach (var (key, sessions) in _sessions)
        {
            foreach (var session in sessions)
            {
                yield return new WindowStateEntry<TKey, TAcc> { Key = key, Start = session.Start, End = session.End, Accumulator = session.Accumulator, Fired = session.Fired };
            }
        }
    }

    protected override void LoadEntry(WindowStateEntry<TKey, TAcc> entry)
    {
        if (!_sessions.TryGetValue(entry.Key, out var sessions))
        {
            _sessions[entry.Key] = sessions = [];
        }

        sessions.Add(new Session { Start = entry.Start, End = entry.End, Accumulator = entry.Accumulator, Fired = entry.Fired });
        if (!entry.Fired)
        {
            _earliestUnfired = Math.Min(_earliestUnfired, entry.Start);
        }
    }

    private void Assign(List<Session> sessions, long t, T item)
    {
        Session? target = null;
        for (var i = sessions.Count - 1; i >= 0; i--)
        {
            var session = sessions[i];
            if (session.Fired || session.Start - _gap > t || t >= session.End)
            {
                continue;
            }

            if (target is null)
            {
                target = session;
                target.Start = Math.Min(target.Start, t);
                target.End = Math.Max(target.End, t + _gap);
            }
            else
            {
                // The event bridges two sessions: they become one.
                target.Accumulator = Aggregate.Merge(target.Accumulator, session.Accumulator);
                target.Start = Math.Min(target.Start, session.Start);
                target.End = Math.Max(target.End, session.End);
                sessions.RemoveAt(i);
            }
        }

        if (target is null)
        {
            target = new Session { Start = t, End = t + _gap, Accumulator = Aggregate.CreateAccumulator() };
            sessions.Add(target);
        }

        var accumulator = target.Accumulator;
        Aggregate.Add(ref accumulator, item);
        target.Accumulator = accumulator;
        _earliestUnfired = Math.Min(_earliestUnfired, target.Start);
    }

    private sealed class Session
    {
        public long Start { get; set; }

        public long End { get; set; }

        public TAcc Accumulator { get; set; } = default!;

        public bool Fired { get; set; }

        public bool Updated { get; set; }
    }
}
