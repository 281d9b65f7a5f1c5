using System.Threading.Channels;

// Operators are extension methods of the root namespace, like LINQ's, so one using brings them all.
namespace NgsiFlow.Engine;

/// <summary>Reading a stream's results as an async sequence.</summary>
public static class AsyncEnumerableExtensions
{
    /// <summary>
    /// Exposes the stream as an async sequence for one reader (a dashboard, a test, a caller awaiting results),
    /// through a bounded channel of <paramref name="capacity"/> events: a slow reader slows the job down. An event
    /// counts as written (acknowledged) once it is in the channel. The sequence ends when the job completes.
    /// </summary>
    /// <typeparam name="T">The type of the events.</typeparam>
    /// <param name="source">The stream.</param>
    /// <param name="capacity">The channel's capacity.</param>
    /// <param name="name">The sink's name; default "sink-N".</param>
    /// <returns>The sequence; enumerate it once.</returns>
    public static IAsyncEnumerable<T> ToAsyncEnumerable<T>(this Stream<T> source, int capacity = 1024, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        source.To(new ChannelSink<T>(channel.Writer), name: name);
        _ = source.Job.Completion.ContinueWith(
            static (completion, state) => ((ChannelWriter<T>)state!).TryComplete(completion.Exception?.GetBaseException()),
            channel.Writer,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return channel.Reader.ReadAllAsync();
    }

    private sealed class ChannelSink<T>(ChannelWriter<T> writer) : IStreamSink<T>
    {
        public async ValueTask WriteAsync(ReadOnlyMemory<T> batch, CancellationToken cancellationToken)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                await writer.WriteAsync(batch.Span[i], cancellationToken).ConfigureAwait(false);
            }
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            writer.TryComplete();
            return default;
        }

        public ValueTask DisposeAsync() => default;
    }
}
