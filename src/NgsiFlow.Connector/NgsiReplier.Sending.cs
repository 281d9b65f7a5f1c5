using System.Diagnostics;
using System.Text;
using NgsiFlow.Client;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>Sending, batching, confirmation and dead letters.</summary>
public sealed partial class NgsiReplier
{
    private async Task SubmitAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _submitted);
        if (_queue is not null && write.Kind != BatchKind.None)
        {
            try
            {
                await _queue.Writer.WriteAsync(write, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Threading.Channels.ChannelClosedException e)
            {
                Interlocked.Decrement(ref _submitted);
                throw new ObjectDisposedException($"The replier for broker '{_broker.Name}' is disposed.", e);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Decrement(ref _submitted);
                throw;
            }
        }
        else
        {
            _ = SendOneAsync(write);
        }

        await write.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task BatchLoopAsync()
    {
        var reader = _queue!.Reader;
        var batch = new List<PendingWrite>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var deadline = Stopwatch.GetTimestamp() + (long)(_options.BatchWindow.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < _options.MaxBatchSize)
            {
                if (reader.TryRead(out var write))
                {
                    batch.Add(write);
                    continue;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (batch.Count > 0 && remaining <= TimeSpan.Zero)
                {
                    break;
                }

                using var window = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
                try
                {
                    if (!await reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // Sent one group after the other, in arrival order, so that two writes to one entity keep their order.
            foreach (var group in batch.GroupBy(w => w.BatchKey, StringComparer.Ordinal))
            {
                await SendGroupAsync([.. group]).ConfigureAwait(false);
            }
        }
    }

    private async Task SendGroupAsync(List<PendingWrite> group)
    {
        if (group.Count == 1)
        {
            await SendOneAsync(group[0]).ConfigureAwait(false);
            return;
        }

        var first = group[0];
        string path;
        byte[] body;
        var contentType = "application/json";
        switch (first.Kind)
        {
            case BatchKind.V2Update:
            case BatchKind.V2Append:
                path = "v2/op/update";
                body = NgsiV2Writer.BatchUpdateToBytes(first.Kind == BatchKind.V2Update ? NgsiV2BatchAction.Update : NgsiV2BatchAction.Append, group.Select(w => w.V2Entity!));
                break;
            default:
                path = "ngsi-ld/v1/entityOperations/upsert?options=update";
                body = NgsiLdWriter.EntitiesToBytes(group.Select(w => w.LdEntity!), NgsiLdRepresentation.Normalized, first.LdContext);
                contentType = first.LdContext.IsNull ? "application/json" : "application/ld+json";
                break;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Increment(ref _requests);
        ConnectorInstruments.WriteBackRequests.Add(1, _apiTag, new KeyValuePair<string, object?>("batch", true));
        NgsiClientException? failure = null;
        try
        {
            using var span = ConnectorTracing.StartWriteBack(first, group.Count);
            var answer = await _broker.SendAsync(HttpMethod.Post, path, body, contentType, first.Fiware, CancellationToken.None).ConfigureAwait(false);
            if (answer.StatusCode != 207)
            {
                foreach (var write in group)
                {
                    Confirm(write);
                }

                return;
            }

            failure = new NgsiClientException("POST", new Uri(_broker.BaseAddress, path), 207, "MultiStatus", "some entities of the batch failed", Encoding.UTF8.GetString(answer.Body.Span));
        }
        catch (NgsiClientException e)
        {
            failure = e;
        }

        if (failure.IsTransient)
        {
            // The client already retried: the broker is down or overloaded, one by one would fail the same way.
            foreach (var write in group)
            {
                await DeadLetterAsync(write, failure).ConfigureAwait(false);
            }

            return;
        }

        // A 4xx or a partial failure names no single culprit reliably: send each on its own, so that each gets its
        // own answer and only the bad ones are dead-lettered.
        ConnectorLog.BatchSplit(_logger, group.Count, failure.StatusCode);
        foreach (var write in group)
        {
            await SendOneAsync(write).ConfigureAwait(false);
        }
    }

    private async Task SendOneAsync(PendingWrite write)
    {
        Interlocked.Increment(ref _requests);
        ConnectorInstruments.WriteBackRequests.Add(1, _apiTag, new KeyValuePair<string, object?>("batch", false));
        try
        {
            using var span = ConnectorTracing.StartWriteBack(write, 1);
            var answer = await _broker.SendAsync(write.Method, write.Path, write.Body, write.ContentType, write.Fiware, CancellationToken.None).ConfigureAwait(false);
            if (answer.StatusCode == 207)
            {
                await DeadLetterAsync(write, new NgsiClientException(write.Method.Method, new Uri(_broker.BaseAddress, write.Path), 207, "MultiStatus", "the broker reported a partial failure", Encoding.UTF8.GetString(answer.Body.Span))).ConfigureAwait(false);
                return;
            }

            Confirm(write);
        }
        catch (NgsiClientException e)
        {
            await DeadLetterAsync(write, e).ConfigureAwait(false);
        }
    }

    private void Confirm(PendingWrite write)
    {
        Interlocked.Increment(ref _confirmed);
        ConnectorInstruments.WriteBacksOk.Add(1, _apiTag);
        ConnectorInstruments.WriteBackDuration.Record(Stopwatch.GetElapsedTime(write.Started).TotalSeconds, _apiTag);
        write.Done.TrySetResult();
    }

    private async Task DeadLetterAsync(PendingWrite write, NgsiClientException error)
    {
        var failure = new WriteBackFailure(
            _options.TimeProvider.GetUtcNow(),
            _broker.Name,
            write.Method.Method,
            "/" + write.Path,
            write.Fiware.Tenant,
            write.Fiware.ServicePath,
            write.Fiware.Correlator,
            Encoding.UTF8.GetString(write.Body),
            error.StatusCode,
            error.Error,
            error.Description ?? error.ResponseBody ?? error.Message);
        try
        {
            await _deadLetters.WriteAsync(failure, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failing dead-letter sink must not hide the original failure: it is logged and the task still faults.
            ConnectorLog.DeadLetterFailed(_logger, e, _options.DeadLetterPath ?? "(sink)");
        }

        Interlocked.Increment(ref _deadLettered);
        ConnectorInstruments.WriteBacksDeadLettered.Add(1, _apiTag);
        write.Done.TrySetException(new WriteBackException(failure, error));
    }
}
