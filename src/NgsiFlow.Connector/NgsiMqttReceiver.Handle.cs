using System.Buffers;
using MQTTnet;
using NgsiFlow.Connector.Internal;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>The message path: inbox, route, parse, hand-over, PUBACK.</summary>
public sealed partial class NgsiMqttReceiver
{
    private static readonly KeyValuePair<string, object?> TransportTag = new("transport", "mqtt");

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Acknowledged by the processor once the job owns the events, not when this handler returns. The payload is
        // copied: MQTTnet may reuse its buffer once the handler has returned.
        e.AutoAcknowledge = false;
        var message = e.ApplicationMessage;
        var payload = message.Payload.Length <= _options.MaxPayloadBytes ? message.Payload.ToArray() : null;
        var inbound = new Inbound(e, message.Topic, payload, message.Dup, Interlocked.Read(ref _generation));
        return _inbox.Writer.TryWrite(inbound) ? Task.CompletedTask : _inbox.Writer.WriteAsync(inbound, _stopping.Token).AsTask();
    }

    private async Task ProcessAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (!token.IsCancellationRequested && _inbox.Reader.TryRead(out var inbound))
                {
                    if (inbound.Generation != Interlocked.Read(ref _generation))
                    {
                        continue;
                    }

                    await HandleAsync(inbound, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: what is left is delivered again at the next start.
        }
    }

    private async Task HandleAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        _counters.Received();
        if (inbound.Duplicate)
        {
            Interlocked.Increment(ref _redelivered);
        }

        if (!_topics.TryGetValue(inbound.Topic, out var entry))
        {
            MqttReceiverLog.Unroutable(_logger, inbound.Topic);
            await DropAsync(inbound, null, RejectReason.NotFound, cancellationToken).ConfigureAwait(false);
            return;
        }

        var route = entry.Route;
        route.Counters.Received();
        if (inbound.Payload is null)
        {
            MqttReceiverLog.BadNotification(_logger, route.Job, inbound.Topic, "$", $"payload larger than {_options.MaxPayloadBytes} bytes");
            await DropAsync(inbound, route, RejectReason.TooLarge, cancellationToken).ConfigureAwait(false);
            return;
        }

        // MQTT carries no headers: the format comes from the subscription topic's options or from the body.
        if (!NotificationParser.TryParse(inbound.Payload, NotificationHeaders.Empty, entry.Parse, out var notification, out var error)
            || !NotificationEvents.TryBuild(route.Job, notification, _time.GetUtcNow(), out var events, out error, entry.Fiware))
        {
            error ??= new NgsiFormatException("$", "an NGSI notification");
            MqttReceiverLog.BadNotification(_logger, route.Job, inbound.Topic, error.JsonPath, error.Message);
            await DropAsync(inbound, route, RejectReason.BadRequest, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            // No hold time: while the job is full the message waits unacknowledged, and the broker, at Receive
            // Maximum, sends no more. That is the back-pressure.
            await route.Target.AcceptAsync(new NotificationBatch(route.Job, notification, events), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (TargetClosedException)
        {
            // Not acknowledged: the broker delivers it again after the next connection.
            Count(route, RejectReason.Stopping);
            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Acknowledged and dropped, counted and logged: not acknowledging would redeliver it for ever.
            MqttReceiverLog.TargetFailed(_logger, e, route.Job);
            await DropAsync(inbound, route, RejectReason.TargetFailed, cancellationToken).ConfigureAwait(false);
            return;
        }

        route.Counters.Accepted(events.Length);
        _counters.Accepted(events.Length);
        var jobTag = new KeyValuePair<string, object?>("job", route.Job);
        ConnectorInstruments.Received.Add(1, jobTag, TransportTag);
        ConnectorInstruments.Accepted.Add(1, jobTag, TransportTag);
        ConnectorInstruments.Events.Add(events.Length, jobTag, TransportTag);
        await AcknowledgeAsync(inbound, cancellationToken).ConfigureAwait(false);
    }

    private async Task DropAsync(Inbound inbound, MqttRoute? route, RejectReason reason, CancellationToken cancellationToken)
    {
        Count(route, reason);
        await AcknowledgeAsync(inbound, cancellationToken).ConfigureAwait(false);
    }

    private void Count(MqttRoute? route, RejectReason reason)
    {
        _counters.Rejected(reason);
        route?.Counters.Rejected(reason);
        var jobTag = new KeyValuePair<string, object?>("job", route?.Job ?? string.Empty);
        ConnectorInstruments.Received.Add(1, jobTag, TransportTag);
        ConnectorInstruments.Rejected.Add(1, jobTag, new KeyValuePair<string, object?>("reason", ConnectorInstruments.Tag(reason)), TransportTag);
    }

    private async Task AcknowledgeAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        try
        {
            await inbound.Args.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The connection went: the broker delivers the message again on the next one (a duplicate for the job).
            MqttReceiverLog.AcknowledgeFailed(_logger, inbound.Topic, e.Message);
        }
    }
}
