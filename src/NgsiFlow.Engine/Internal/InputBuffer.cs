using System.Runtime.CompilerServices;
namespace NgsiFlow.Engine.Internal;

/// <summary>An input whose queued events a snapshot leaves waiting.</summary>
internal interface IPausableInput
{
}

/// <summary>
/// The bounded entry of a job: writers append events one by one (cheaply, under a short lock) into chunks, and
/// the input stage takes whole chunks, so that events cross the thread boundary by the thousand, not one by one.
/// Writers wait while <see cref="Capacity"/> events are accepted but not yet taken (back-pressure).
/// </summary>
internal sealed class InputBuffer<T> : IRunnableStage, IPausableInput
{
    private readonly object _lock = new();
    private readonly Queue<Chunk<T>> _full = new();
    private readonly ChunkPool<T> _pool;
    private readonly OperatorCounters _counters;
    private readonly ISourceAckTracker? _tracker;
    private Chunk<T>? _current;
    private int _buffered;
    private bool _completed;
    private long _pendingTick = long.MinValue;
    private TaskCompletionSource? _spaceWaiter;
    private readonly AsyncSignal _dataSignal = new();
    private bool _consumerWaiting;
    private int _busy;
    private bool _paused;

    public InputBuffer(string name, int capacity, ChunkPool<T> pool, OperatorCounters counters, ISourceAckTracker? tracker)
    {
        Name = name;
        Capacity = capacity;
        _pool = pool;
        _counters = counters;
        _tracker = tracker;
    }

    public string Name { get; }

    public int Capacity { get; }

    public ChunkObserver<T>? Downstream { get; set; }

    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    public int Queued
    {
        get
        {
            lock (_lock)
            {
                return _buffered + (_pendingTick != long.MinValue ? 1 : 0);
            }
        }
    }

    public bool IsTracked => _tracker is not null;

    /// <summary>While paused (for a snapshot) the stage takes nothing; writers still fill the buffer up to capacity.</summary>
    public void Pause(bool paused)
    {
        bool wake;
        lock (_lock)
        {
            _paused = paused;
            wake = _consumerWaiting;
            _consumerWaiting = false;
        }

        if (wake)
        {
            _dataSignal.Set();
        }
    }

    public bool IsCompleted
    {
        get
        {
            lock (_lock)
            {
                return _completed;
            }
        }
    }

    public bool TryWrite(T item) => TryWrite(item, 0, out _);

    public bool TryWrite(T item, long position, out bool completed)
    {
        bool wake;
        lock (_lock)
        {
            completed = _completed;
            if (_completed || _buffered >= Capacity)
            {
                return false;
            }

            var chunk = _current;
            if (chunk is null)
            {
                chunk = _current = _pool.Rent();
                if (_tracker is not null)
                {
                    chunk.EnsurePositions();
                }
            }

            if (chunk.HasPositions)
            {
                chunk.Positions![chunk.Count] = position;
            }

            chunk.Items[chunk.Count++] = item;
            if (chunk.IsFull)
            {
                _full.Enqueue(chunk);
                _current = null;
            }

            _buffered++;
            wake = _consumerWaiting;
            _consumerWaiting = false;
        }

        if (wake)
        {
            _dataSignal.Set();
        }
        return true;
    }

    public ValueTask WriteAsync(T item, long position, CancellationToken cancellationToken)
    {
        if (TryWrite(item, position, out var completed))
        {
            return default;
        }

        if (completed)
        {
            throw Closed();
        }

        return WriteSlowAsync(item, position, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteSlowAsync(T item, long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_completed)
                {
                    throw Closed();
                }

                if (_buffered < Capacity)
                {
                    wait = Task.CompletedTask;
                }
                else
                {
                    wait = (_spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            if (!wait.IsCompleted)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (TryWrite(item, position, out var completed))
            {
                return;
            }

            if (completed)
            {
                throw Closed();
            }
        }
    }

    /// <summary>
    /// Accepts all of <paramref name="items"/> at once or none: waits until they all fit (a batch larger than the
    /// capacity waits for an empty input). Cancelling while waiting accepts nothing.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAllAsync(ReadOnlyMemory<T> items, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            var wake = false;
            lock (_lock)
            {
                if (_completed)
                {
                    throw Closed();
                }

                if (_buffered == 0 || _buffered + items.Length <= Capacity)
                {
                    var span = items.Span;
                    for (var i = 0; i < span.Length; i++)
                    {
                        var chunk = _current ??= _pool.Rent();
                        chunk.Items[chunk.Count++] = span[i];
                        if (chunk.IsFull)
                        {
                            _full.Enqueue(chunk);
                            _current = null;
                        }
                    }

                    _buffered += items.Length;
                    wake = _consumerWaiting;
                    _consumerWaiting = false;
                    wait = Task.CompletedTask;
                }
                else
                {
                    wait = (_spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            if (wait.IsCompleted)
            {
                if (wake)
        {
            _dataSignal.Set();
        }
                return;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until an event can be accepted (or the input was completed).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_completed)
                {
                    return false;
                }

                if (_buffered < Capacity)
                {
                    return true;
                }

                wait = (_spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Complete()
    {
        TaskCompletionSource? wakeSpace;
        lock (_lock)
        {
            _completed = true;
            wakeSpace = _spaceWaiter;
            _spaceWaiter = null;
        }

        _dataSignal.Set();
        wakeSpace?.TrySetResult();
    }

    public void PostTick(long now)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _pendingTick = Math.Max(_pendingTick, now);
            wake = _consumerWaiting;
            _consumerWaiting = false;
        }

        if (wake)
        {
            _dataSignal.Set();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var downstream = Downstream ?? throw new InvalidOperationException($"Input '{Name}' has no downstream.");
        using var wakeOnCancel = cancellationToken.Register(static state => ((AsyncSignal)state!).Set(), _dataSignal);
        while (true)
        {
            Chunk<T>? chunk = null;
            var tick = long.MinValue;
            var done = false;
            var wait = false;
            TaskCompletionSource? wakeSpace = null;
            lock (_lock)
            {
                if (_paused)
                {
                    wait = true;
                    _consumerWaiting = true;
                }
                else if (_full.Count > 0)
                {
                    chunk = _full.Dequeue();
                }
                else if (_current is { Count: > 0 })
                {
                    chunk = _current;
                    _current = null;
                }
                else if (_pendingTick != long.MinValue)
                {
                    tick = _pendingTick;
                    _pendingTick = long.MinValue;
                }
                else if (_completed)
                {
                    done = true;
                }
                else
                {
                    wait = true;
                    _consumerWaiting = true;
                }

                // Writers waiting for room wake once half the input is free, not at every chunk taken, so that a
                // writer faster than the job waits (and allocates a wait) once per many chunks.
                if (chunk is not null)
                {
                    _buffered -= chunk.Count;
                    if (_buffered <= Capacity / 2)
                    {
                        wakeSpace = _spaceWaiter;
                        _spaceWaiter = null;
                    }
                }

                Volatile.Write(ref _busy, wait ? 0 : 1);
            }

            wakeSpace?.TrySetResult();
            if (wait)
            {
                await _dataSignal.WaitAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            try
            {
                if (chunk is not null)
                {
                    _counters.AddIn(chunk.Count);
                    _counters.AddOut(chunk.Count);
                    if (_tracker is not null)
                    {
                        var group = new SourceAckGroup(_tracker, chunk.Count) { Count = chunk.Count };
                        Array.Copy(chunk.Positions!, group.Positions, chunk.Count);
                        chunk.Ack = group;
                    }

                    try
                    {
                        await downstream.OnChunkAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        chunk.Release();
                    }
                }
                else if (tick != long.MinValue)
                {
                    await downstream.OnTickAsync(tick, cancellationToken).ConfigureAwait(false);
                }
                else if (done)
                {
                    await downstream.OnCompletedAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    private InvalidOperationException Closed() => new($"The input '{Name}' is completed and accepts no more events.");
}
