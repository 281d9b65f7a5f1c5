using NgsiFlow.Engine;

namespace NgsiFlow.Connector;

/// <summary>
/// The in-process <see cref="INotificationTarget"/>: writes each event into a job's bounded
/// <see cref="StreamInput{T}"/>, so the job's back-pressure reaches the broker as held requests and, past the hold
/// time, as 503 answers.
/// </summary>
public sealed class StreamInputTarget : INotificationTarget
{
    private readonly StreamInput<NgsiEvent> _input;

    /// <summary>Wraps a job input.</summary>
    /// <param name="input">The input the events go to.</param>
    public StreamInputTarget(StreamInput<NgsiEvent> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    /// <summary>The job input the events go to.</summary>
    public StreamInput<NgsiEvent> Input => _input;

    /// <inheritdoc/>
    public ValueTask AcceptAsync(NotificationBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var events = batch.Events;
        var i = 0;
        for (; i < events.Count; i++)
        {
            if (!_input.TryWrite(events[i]))
            {
                break;
            }
        }

        return i == events.Count ? default : AcceptSlowAsync(events, i, cancellationToken);
    }

    private async ValueTask AcceptSlowAsync(IReadOnlyList<NgsiEvent> events, int from, CancellationToken cancellationToken)
    {
        for (var i = from; i < events.Count; i++)
        {
            // The hold time applies only while nothing of the batch is in: after that, finishing is the only way to
            // keep "503 means none taken" true.
            var token = i == 0 ? cancellationToken : CancellationToken.None;
            try
            {
                await _input.WriteAsync(events[i], token).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new TargetClosedException($"The input '{_input.Name}' of job '{_input.Job.Name}' is completed; the job is stopping.", e);
            }
        }
    }
}
