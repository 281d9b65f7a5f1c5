using NgsiFlow.Engine;

namespace NgsiFlow.Connector;

/// <summary>The in-process <see cref="IRecordTarget"/>: writes each record into a job's bounded input.</summary>
public sealed class RecordInputTarget : IRecordTarget
{
    private readonly StreamInput<IngestedRecord> _input;

    /// <summary>Wraps a job input.</summary>
    /// <param name="input">The input the records go to.</param>
    public RecordInputTarget(StreamInput<IngestedRecord> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    /// <summary>The job input the records go to.</summary>
    public StreamInput<IngestedRecord> Input => _input;

    /// <inheritdoc/>
    public ValueTask AcceptAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var records = batch.Records;
        var i = 0;
        for (; i < records.Count; i++)
        {
            if (!_input.TryWrite(records[i]))
            {
                break;
            }
        }

        return i == records.Count ? default : AcceptSlowAsync(records, i, cancellationToken);
    }

    private async ValueTask AcceptSlowAsync(IReadOnlyList<IngestedRecord> records, int from, CancellationToken cancellationToken)
    {
        for (var i = from; i < records.Count; i++)
        {
            // As for notifications: the hold time applies only while nothing of the request is in.
            var token = i == 0 ? cancellationToken : CancellationToken.None;
            try
            {
                await _input.WriteAsync(records[i], token).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new TargetClosedException($"The input '{_input.Name}' of job '{_input.Job.Name}' is completed; the job is stopping.", e);
            }
        }
    }
}
