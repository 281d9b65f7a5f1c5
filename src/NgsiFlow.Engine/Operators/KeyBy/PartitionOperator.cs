using System.Runtime.CompilerServices;
using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine.Operators.KeyBy;

/// <summary>
/// Splits a stream over parallel lanes, each a stage with its own bounded channel and task. With a key hash every
/// event of one key goes to the same lane (so per-key order is kept); without one, whole chunks go round-robin.
/// Watermarks, ticks and completion go to every lane.
/// </summary>
internal sealed class PartitionOperator<T> : ChunkObserver<T>
{
    private readonly ChunkObserver<T>[] _lanes;

    // Watermarks, ticks and completion are not partitioned: every lane gets each one, in lane order.
    private readonly MulticastObserver<T> _everyLane;
    private readonly Func<T, uint>? _keyHash;
    private readonly ChunkPool<T> _pool;
    private readonly Chunk<T>?[] _parts;
    private int _next;

    public PartitionOperator(ChunkObserver<T>[] lanes, Func<T, uint>? keyHash, ChunkPool<T> pool)
    {
        _lanes = lanes;
        _everyLane = new MulticastObserver<T>(lanes);
        _keyHash = keyHash;
        _pool = pool;
        _parts = new Chunk<T>?[lanes.Length];
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        if (_keyHash is null)
        {
            var lane = _next;
            _next = (_next + 1) % _lanes.Length;
            await _lanes[lane].OnChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
            return;
        }

        var laneCount = (uint)_lanes.Length;
        try
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var item = chunk.Items[i];
                var lane = (int)(_keyHash(item) % laneCount);
                var part = _parts[lane] ??= _pool.RentDerived(chunk);
                if (chunk.HasPositions)
                {
                    part.Positions![part.Count] = chunk.Positions![i];
                }

                part.Add(item);
            }

            for (var lane = 0; lane < _parts.Length; lane++)
            {
                if (_parts[lane] is { } part)
                {
                    await _lanes[lane].OnChunkAsync(part, cancellationToken).ConfigureAwait(false);
                    _parts[lane] = null;
                    part.Release();
                }
            }
        }
        finally
        {
            for (var lane = 0; lane < _parts.Length; lane++)
            {
                _parts[lane]?.Release();
                _parts[lane] = null;
            }
        }
    }

    public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) => _everyLane.OnWatermarkAsync(watermark, cancellationToken);

    public override ValueTask OnTickAsync(long now, CancellationToken cancellationToken) => _everyLane.OnTickAsync(now, cancellationToken);

    public override ValueTask OnCompletedAsync(CancellationToken cancellationToken) => _everyLane.OnCompletedAsync(cancellationToken);

    /// <summary>Builds <paramref name="parallelism"/> lanes, each running what <paramref name="buildLane"/> creates.</summary>
    public static ChunkObserver<T> Create(
        BuildContext context,
        string name,
        OperatorCounters counters,
        int parallelism,
        Func<T, uint>? keyHash,
        Func<BuildContext, ChunkObserver<T>> buildLane)
    {
        var lanes = new ChunkObserver<T>[parallelism];
        for (var lane = 0; lane < parallelism; lane++)
        {
            var stage = context.NewStage<T>(parallelism == 1 ? name : $"{name}#{lane}", counters);
            lanes[lane] = stage.AddProducer();
            stage.Downstream = buildLane(parallelism == 1 ? context : context.ForLane(lane, parallelism, keyHash is not null));
        }

        return parallelism == 1 ? lanes[0] : new PartitionOperator<T>(lanes, keyHash, context.Pools.Get<T>());
    }
}
