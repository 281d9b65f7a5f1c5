using System.Globalization;
using System.Text;
using NgsiFlow.Connector;
using NgsiFlow.Ngsi;
using RabbitMQ.Client;

namespace NgsiFlow.RabbitMq.Internal;

/// <summary>
/// An <see cref="NgsiEvent"/> as a RabbitMQ message: the body is the entity in normalized form (NGSI-v2 or NGSI-LD),
/// the headers carry what the broker said about it (tenant, service path, correlator, subscription, times, format,
/// LD context) and, where the job declares one, the idempotency key.
/// </summary>
internal static class EventCodec
{
    public const string JobHeader = "ngsiflow-job";
    public const string KeyHeader = "ngsiflow-key";
    public const string ServiceHeader = "fiware-service";
    public const string ServicePathHeader = "fiware-servicepath";
    public const string CorrelatorHeader = "fiware-correlator";
    public const string SubscriptionHeader = "ngsiflow-subscription";
    public const string NotifiedAtHeader = "ngsiflow-notified-at";
    public const string ReceivedAtHeader = "ngsiflow-received-at";
    public const string FormatHeader = "ngsiflow-format";
    public const string ContextHeader = "ngsiflow-ld-context";
    private const string V2Type = "ngsi-v2";
    private const string LdType = "ngsi-ld";

    public static (BasicProperties Properties, byte[] Body) Encode(NgsiEvent e, string? idempotencyKey)
    {
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [JobHeader] = e.Job,
            [ServiceHeader] = e.Fiware.Tenant,
            [ServicePathHeader] = e.Fiware.ServicePath,
            [ReceivedAtHeader] = e.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
            [FormatHeader] = e.Format.ToString(),
        };
        if (e.Correlator is { } correlator)
        {
            headers[CorrelatorHeader] = correlator;
        }

        if (e.SubscriptionId is { } subscription)
        {
            headers[SubscriptionHeader] = subscription;
        }

        if (e.NotifiedAt is { } notifiedAt)
        {
            headers[NotifiedAtHeader] = notifiedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        if (idempotencyKey is not null)
        {
            headers[KeyHeader] = idempotencyKey;
        }

        byte[] body;
        string type;
        if (e.Entity is NgsiLdEntity ld)
        {
            body = NgsiLdWriter.EntityToBytes(ld);
            type = LdType;
            if (e.LdContext.Kind != NgsiValueKind.Null)
            {
                headers[ContextHeader] = e.LdContext.ToJson();
            }
        }
        else
        {
            body = NgsiV2Writer.EntityToBytes(e.V2Entity);
            type = V2Type;
        }

        var properties = new BasicProperties
        {
            MessageId = Guid.CreateVersion7().ToString("N"),
            ContentType = "application/json",
            Type = type,
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(e.ReceivedAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
        return (properties, body);
    }

    /// <summary>Reads a message back into an event.</summary>
    /// <exception cref="FormatException">The message is not an NgsiFlow event (names what is wrong).</exception>
    public static NgsiEvent Decode(IReadOnlyBasicProperties properties, ReadOnlySpan<byte> body)
    {
        var headers = properties.Headers ?? throw new FormatException("The message has no headers; it was not published by an NgsiFlow receiver.");
        var job = Text(headers, JobHeader) ?? throw new FormatException($"The message has no '{JobHeader}' header.");
        var fiware = new FiwareContext(Text(headers, ServiceHeader) ?? string.Empty, Text(headers, ServicePathHeader) ?? "/", Text(headers, CorrelatorHeader));
        var format = Enum.TryParse<NotificationFormat>(Text(headers, FormatHeader), out var f) ? f : NotificationFormat.Auto;
        var receivedAt = Time(headers, ReceivedAtHeader) ?? DateTimeOffset.UtcNow;
        INgsiEntity entity;
        NgsiValue context = default;
        try
        {
            if (properties.Type == LdType)
            {
                entity = NgsiLdParser.ParseEntity(body);
                if (Text(headers, ContextHeader) is { } json)
                {
                    context = NgsiValue.Parse(json);
                }
            }
            else
            {
                entity = NgsiV2Parser.ParseEntity(body);
            }
        }
        catch (NgsiFormatException e)
        {
            throw new FormatException($"The message {properties.MessageId} of job '{job}' does not hold an NGSI entity: {e.Message}", e);
        }

        return new NgsiEvent(job, entity, fiware, format, Text(headers, SubscriptionHeader), Time(headers, NotifiedAtHeader), receivedAt) { LdContext = context };
    }

    public static string? Text(IDictionary<string, object?> headers, string name) => headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        string s => s,
        null => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    } : null;

    private static DateTimeOffset? Time(IDictionary<string, object?> headers, string name) =>
        Text(headers, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) ? value : null;
}
