using System.Runtime.CompilerServices;
namespace NgsiFlow.Engine.Internal;

/// <summary>
/// A runtime operator: receives chunks, watermarks, processing-time ticks and completion, in that stream's order,
/// on one thread at a time. It must not keep a chunk after the call returns unless it retained it.
/// </summary>
internal abstract class ChunkObserver<T>
{
    public abstract ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken);

    /// <summary>Event time has advanced to <paramref name="watermark"/> (UTC ticks): no earlier event is expected.</summary>
    public abstract ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken);

    /// <summary>Processing time is now <paramref name="now"/> (UTC ticks of the job's time provider).</summary>
    public abstract ValueTask OnTickAsync(long now, CancellationToken cancellationToken);

    /// <summary>The input ended: flush what is open and complete downstream.</summary>
    public abstract ValueTask OnCompletedAsync(CancellationToken cancellationToken);
}

/// <summary>An operator with one downstream; forwards what it does not handle itself.</summary>
internal abstract class Operator<TIn, TOut>(ChunkObserver<TOut> next) : ChunkObserver<TIn>
{
    protected ChunkObserver<TOut> Next { get; } = next;

    public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) =>
        Next.OnWatermarkAsync(watermark, cancellationToken);

    public override ValueTask OnTickAsync(long now, CancellationToken cancellationToken) =>
        Next.OnTickAsync(now, cancellationToken);

    public override ValueTask OnCompletedAsync(CancellationToken cancellationToken) =>
        Next.OnCompletedAsync(cancellationToken);

    /// <summary>Pushes <paramref name="chunk"/> downstream and releases this operator's reference to it.</summary>
    protected ValueTask EmitAsync(Chunk<TOut> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            chunk.Release();
            return default;
        }

        ValueTask pending;
        try
        {
            pending = Next.OnChunkAsync(chunk, cancellationToken);
        }
        catch
        {
            chunk.Release();
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            chunk.Release();
            return default;
        }

        return AwaitAndRelease(pending, chunk);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask AwaitAndRelease(ValueTask pending, Chunk<TOut> chunk)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            chunk.Release();
        }
    }
}

/// <summary>Pushes to several downstream operators (a stream used more than once).</summary>
internal sealed class MulticastObserver<T>(IReadOnlyList<ChunkObserver<T>> targets) : ChunkObserver<T>
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await target.OnChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await target.OnWatermarkAsync(watermark, cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnTickAsync(long now, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await target.OnTickAsync(now, cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask OnCompletedAsync(CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await target.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>The end of a branch nobody consumes: events are done as soon as they arrive.</summary>
internal sealed class NullObserver<T> : ChunkObserver<T>
{
    public static readonly NullObserver<T> Instance = new();

    public override ValueTask OnChunkAsync(Chunk<T> chunk, CancellationToken cancellationToken) => default;

    public override ValueTask OnWatermarkAsync(long watermark, CancellationToken cancellationToken) => default;

    public override ValueTask OnTickAsync(long now, CancellationToken cancellationToken) => default;

    public override ValueTask OnCompletedAsync(CancellationToken cancellationToken) => default;
}
