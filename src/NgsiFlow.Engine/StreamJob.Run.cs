using NgsiFlow.Engine.Internal;

namespace NgsiFlow.Engine;

public sealed partial class StreamJob
{
    private readonly List<IRunnableStage> _dataStages = [];
    private readonly List<IRunnableStage> _ackStages = [];
    private List<IStatefulOperator> _stateful = [];
    private ITimer? _timer;

    /// <summary>Builds the operators and starts every stage. Events written before <see cref="Start"/> wait in their input.</summary>
    /// <exception cref="InvalidOperationException">The job was already started or has no input.</exception>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The job '{Name}' was already started; a job runs once.");
        }

        if (_inputs.Count == 0)
        {
            throw new InvalidOperationException($"The job '{Name}' has no input: add one with Input<T>() or From(...).");
        }

        Options.Validate();
        var context = new BuildContext(this, _stopping.Token);
        foreach (var input in _inputs)
        {
            input.Build(context);
            _dataStages.Add(input.Buffer);
            if (input.Pump is { } pump)
            {
                _dataStages.Add(pump);
            }

            if (input.Acknowledger is { } ack)
            {
                _ackStages.Add(ack);
            }
        }

        _dataStages.AddRange(context.Stages);
        _stateful = context.Stateful;
        ValidateRestore();
        EngineMetrics.Register(this);
        if (Options.Logger is { } logger)
        {
            EngineLog.Started(logger, Name, _dataStages.Count);
        }

        _ = RunAsync();
        _timer = Options.TimeProvider.CreateTimer(static state => ((StreamJob)state!).OnTick(), this, Options.TickInterval, Options.TickInterval);
    }

    /// <summary>
    /// Stops gracefully: inputs stop accepting (sources stop reading), what was accepted is processed, open windows
    /// and micro-batches are flushed (see <see cref="StreamJobOptions.FlushOpenWindowsOnStop"/>), sinks are flushed and
    /// acknowledgements sent. Cancelling <paramref name="cancellationToken"/> turns it into a hard stop.
    /// </summary>
    /// <param name="cancellationToken">Aborts the drain.</param>
    /// <returns>Completes when the job has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsStarted)
        {
            Start();
        }

        if (Options.Logger is { } logger)
        {
            EngineLog.Stopping(logger, Name);
        }

        foreach (var input in _inputs)
        {
            input.StopReading();
        }

        using var registration = cancellationToken.Register(static state => ((StreamJob)state!).Cancel(), this);
        await Completion.ConfigureAwait(false);
    }

    /// <summary>Stops at once: stages are cancelled, nothing more is written or acknowledged.</summary>
    public void Cancel()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    /// <summary>Completes when nothing is queued or being processed anywhere in the job (inputs, stages, acknowledgements).
    /// Meant for tests and for pausing: events arriving meanwhile make the job busy again.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Completes when idle.</returns>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        var quietRounds = 0;
        while (quietRounds < 2)
        {
            if (Completion.IsCompleted)
            {
                return;
            }

            quietRounds = IsQuiet(includeInputs: true) ? quietRounds + 1 : 0;
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels the job if still running and waits for it to stop.</summary>
    /// <returns>Completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (IsStarted && !Completion.IsCompleted)
        {
            Cancel();
            try
            {
                await Completion.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or StreamJobException)
            {
                // Disposal only needs the stages stopped.
            }
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool IsQuiet(bool includeInputs)
    {
        foreach (var stage in _dataStages)
        {
            if (stage.IsBusy || (includeInputs || stage is not IPausableInput ? stage.Queued : 0) > 0)
            {
                return false;
            }
        }

        foreach (var stage in _ackStages)
        {
            if (stage.IsBusy || stage.Queued > 0)
            {
                return false;
            }
        }

        return true;
    }

    private void OnTick()
    {
        var now = Options.TimeProvider.GetUtcNow().UtcTicks;
        foreach (var input in _inputs)
        {
            input.Tick(now);
        }
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var stageOf = new Dictionary<Task, IRunnableStage>();
        foreach (var stage in _dataStages)
        {
            stageOf[Task.Run(() => stage.RunAsync(token), CancellationToken.None)] = stage;
        }

        var running = stageOf.Keys.ToList();
        var acks = _ackStages.Select(stage => Task.Run(() => stage.RunAsync(token), CancellationToken.None)).ToList();
        Exception? failure = null;
        var pending = new List<Task>(running);
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(finished);
            if (finished.IsFaulted && failure is null)
            {
                var error = finished.Exception!.GetBaseException();

                // After a cancellation, stages wake up on closed channels: that is the stop, not a failure.
                if (error is not System.Threading.Channels.ChannelClosedException || !_stopping.IsCancellationRequested)
                {
                    failure = error as StreamJobException ?? new StreamJobException(Name, stageOf[finished].Name, error.Message, error);
                }

                Cancel();
            }
        }

        // Stages are done: every acknowledgement that will ever be sent is queued now.
        foreach (var input in _inputs)
        {
            input.Complete();
            input.CompleteAcknowledgements();
        }

        try
        {
            await Task.WhenAll(acks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure ??= e;
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the job.
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        EngineMetrics.Unregister(this);
        if (failure is not null && failure is not OperationCanceledException)
        {
            var error = failure as StreamJobException ?? new StreamJobException(Name, "job", failure.Message, failure);
            if (Options.Logger is { } logger)
            {
                EngineLog.Failed(logger, Name, error);
            }

            _completion.TrySetException(error);
        }
        else if (_stopping.IsCancellationRequested)
        {
            _completion.TrySetCanceled(_stopping.Token);
        }
        else
        {
            if (Options.Logger is { } logger)
            {
                EngineLog.Completed(logger, Name);
            }

            _completion.TrySetResult();
        }
    }
}
