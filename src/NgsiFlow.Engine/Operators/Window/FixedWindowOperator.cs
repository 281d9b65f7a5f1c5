using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.Window;

/// <summary>
/// Tumbling and sliding windows. State is one bucket per window start holding a dictionary from key to accumulator,
/// so that an event costs one dictionary update per window it belongs to, and an emitted bucket's dictionary is
/// cleared and reused (no allocation in steady state).
/// </summary>
internal sealed class FixedWindowOperator<TKey, T, TAcc, TOut> : WindowOperatorBase<TKey, T, TAcc, TOut>
    where TKey : notnull
{
    private readonly long _size;
    private readonly long _slide;
    private readonly Dictionary<long, Bucket> _buckets = [];
    private readonly Stack<Dictionary<TKey, TAcc>> _free = new();
    private readonly List<Bucket> _due = [];
    private Bucket? _last;

    public FixedWindowOperator(WindowSettings<TKey, T, TAcc, TOut> settings, BuildContext context, ChunkObserver<WindowResult<TKey, TOut>> next, ChunkObserver<T> lateOutput)
        : base(settings, context, next, lateOutput)
    {
        _size = settings.Spec.Size.Ticks;
        _slide = settings.Spec.Slide.Ticks;
        RestoreFrom(context.RestoredSegments(settings.Name));
    }

    protected override long Absorb(Chunk<T> chunk, long now)
    {
        var maxTime = long.MinValue;
        var eventTime = EventTime;
        var keyOf = KeyOf;
        var aggregate = Aggregate;
        var items = chunk.Items;
        var watermark = Watermark;
        for (var i = 0; i < chunk.Count; i++)
        {
            var item = items[i];
            var t = eventTime is null ? now : eventTime(item);
            var lastStart = FloorTo(t, _slide);
            var lastEnd = lastStart + _size;
            if (lastEnd <= watermark)
            {
                // Every window of the event was emitted: the event is late.
                if (Lateness.Action != LatenessAction.ReemitUpdated)
                {
                    OnLate(chunk, i, Lateness.Action);
                    continue;
                }

                if (lastEnd + AllowedLateness <= watermark)
                {
                    OnLate(chunk, i, Lateness.Beyond);
                    continue;
                }

                Interlocked.Increment(ref Counters.LateReemitted);
            }

            var key = keyOf(item);
            for (var start = lastStart; start > t - _size; start -= _slide)
            {
                var end = start + _size;
                if (end <= watermark && end + AllowedLateness <= watermark)
                {
                    // This (older) window is gone; the later windows of the event still count it.
                    break;
                }

                var bucket = _last is { } last && last.Start == start ? last : GetBucket(start, end, fired: end <= watermark);
                ref var accumulator = ref CollectionsMarshal.GetValueRefOrAddDefault(bucket.Accumulators, key, out var exists)!;
                if (!exists)
                {
                    accumulator = aggregate.CreateAccumulator();
                }

                aggregate.Add(ref accumulator, item);
                if (bucket.Fired)
                {
                    // An emitted (kept) window changed: emit it again, whether or not the event's later windows are open.
                    (bucket.Updated ??= []).Add(key);
                }
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
        foreach (var bucket in _buckets.Values)
        {
            if (!bucket.Fired && bucket.End <= watermark)
            {
                _due.Add(bucket);
            }
        }

        if (_due.Count > 1)
        {
            _due.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        }

        foreach (var bucket in _due)
        {
            bucket.Fired = true;
            foreach (var (key, accumulator) in bucket.Accumulators)
            {
                await EmitResultAsync(key, bucket.Start, bucket.End, accumulator, false, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref Counters.Batches);
        }

        _due.Clear();
        foreach (var bucket in _buckets.Values)
        {
            if (bucket.Fired && bucket.End + AllowedLateness <= watermark)
            {
                _due.Add(bucket);
            }
        }

        foreach (var bucket in _due)
        {
            _buckets.Remove(bucket.Start);
            bucket.Accumulators.Clear();
            _free.Push(bucket.Accumulators);
            if (ReferenceEquals(_last, bucket))
            {
                _last = null;
            }
        }

        _due.Clear();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    protected override async ValueTask FlushUpdatesAsync(CancellationToken cancellationToken)
    {
        foreach (var bucket in _buckets.Values)
        {
            if (bucket.Updated is { Count: > 0 } updated)
            {
                foreach (var key in updated)
                {
                    await EmitResultAsync(key, bucket.Start, bucket.End, bucket.Accumulators[key], true, cancellationToken).ConfigureAwait(false);
                }

                updated.Clear();
            }
        }

        await FlushOutputAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override long EarliestUnfiredStart()
    {
        var earliest = long.MaxValue;
        foreach (var bucket in _buckets.Values)
        {
            if (!bucket.Fired && bucket.Start < earliest)
            {
                earliest = bucket.Start;
            }
        }

        return earliest;
    }

    protected override IEnumerable<WindowStateEntry<TKey, TAcc>> SaveState()
    {
        foreach (var bucket in _buckets.Values)
        {
            foreach (var (key, accumulator) in bucket.Accumulators)
            {
                yield return new WindowStateEntry<TKey, TAcc> { Key = key, Start = bucket.Start, End = bucket.End, Accumulator = accumulator, Fired = bucket.Fired };
            }
        }
    }

    protected override void LoadEntry(WindowStateEntry<TKey, TAcc> entry)
    {
        var bucket = GetBucket(entry.Start, entry.End, entry.Fired);
        bucket.Accumulators[entry.Key] = entry.Accumulator;
    }

    private Bucket GetBucket(long start, long end, bool fired)
    {
        if (!_buckets.TryGetValue(start, out var bucket))
        {
            bucket = new Bucket(start, end, _free.Count > 0 ? _free.Pop() : []) { Fired = fired };
            _buckets.Add(start, bucket);
        }

        _last = bucket;
        return bucket;
    }

    private sealed class Bucket(long start, long end, Dictionary<TKey, TAcc> accumulators)
    {
        public long Start { get; } = start;

        public long End { get; } = end;

        public Dictionary<TKey, TAcc> Accumulators { get; } = accumulators;

        public bool Fired { get; set; }

        public HashSet<TKey>? Updated { get; set; }
    }
}
