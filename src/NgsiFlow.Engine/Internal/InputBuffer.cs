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
    private TaskCompletionSource? _dataWaiter;
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
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _paused = paused;
            wake = _dataWaiter;
            _dataWaiter = null;
        }

        wake?.TrySetResult();
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
        TaskCompletionSource? wake;
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
            wake = _dataWaiter;
            _dataWaiter = null;
        }

        wake?.TrySetResult();
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
    public async ValueTask WriteAllAsync(ReadOnlyMemory<T> items, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            TaskCompletionSource? wake = null;
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
                    wake = _dataWaiter;
                    _dataWaiter = null;
                    wait = Task.CompletedTask;
                }
                else
                {
                    wait = (_spaceWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
            }

            if (wait.IsCompleted)
            {
                wake?.TrySetResult();
                return;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until an event can be accepted (or the input was completed).</summary>
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
        TaskCompletionSource? wakeData, wakeSpace;
        lock (_lock)
        {
            _completed = true;
            wakeData = _dataWaiter;
            wakeSpace = _spaceWaiter;
            _dataWaiter = _spaceWaiter = null;
        }

        wakeData?.TrySetResult();
        wakeSpace?.TrySetResult();
    }

    public void PostTick(long now)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            _pendingTick = Math.Max(_pendingTick, now);
            wake = _dataWaiter;
            _dataWaiter = null;
        }

        wake?.TrySetResult();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var downstream = Downstream ?? throw new InvalidOperationException($"Input '{Name}' has no downstream.");
        while (true)
        {
            Chunk<T>? chunk = null;
            var tick = long.MinValue;
            var done = false;
            Task? wait = null;
            TaskCompletionSource? wakeSpace = null;
            lock (_lock)
            {
                if (_paused)
                {
                    wait = (_dataWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
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
                    wait = (_dataWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }

                if (chunk is not null)
                {
                    _buffered -= chunk.Count;
                    wakeSpace = _spaceWaiter;
                    _spaceWaiter = null;
                }

                Volatile.Write(ref _busy, wait is null ? 1 : 0);
            }

            wakeSpace?.TrySetResult();
            if (wait is not null)
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
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
