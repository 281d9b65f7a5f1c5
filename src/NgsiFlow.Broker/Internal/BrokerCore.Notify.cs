using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Notifications;
using NgsiFlow.Broker.Internal.Store;
using NgsiFlow.Broker.Internal.Subscriptions;

namespace NgsiFlow.Broker.Internal;

/// <summary>Which subscriptions a change triggers, and their rendered notifications.</summary>
internal sealed partial class BrokerCore
{
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    internal enum Alteration
    {
        Create,
        Update,
        Delete,
    }

    /// <summary>Renders the notifications a change triggers. Runs under the entity's lock.</summary>
    private static List<NotificationJob>? Trigger(TenantIndex tenant, Entity entity, Alteration alteration, NotificationContext context, RequestContext request)
    {
        var subscriptions = tenant.Subscriptions;
        if (subscriptions.IsEmpty)
        {
            return null;
        }

        List<NotificationJob>? jobs = null;
        var now = DateTime.UtcNow;
        foreach (var subscription in subscriptions)
        {
            if (!subscription.IsActiveAt(now) || !subscription.Scope.Contains(entity.ServicePath) || !MatchesEntity(subscription, entity)
                || !Triggers(subscription, alteration, context, request.ForcedUpdate, entity))
            {
                continue;
            }

            if ((subscription.Q is not null && !subscription.Q.Matches(entity)) || (subscription.Mq is not null && !subscription.Mq.Matches(entity))
                || (subscription.Geo is not null && !subscription.Geo.Matches(entity.Location)))
            {
                continue;
            }

            if (!subscription.TryClaimThrottle(now) || !subscription.TryClaimOneshot())
            {
                continue;
            }

            var number = Interlocked.Increment(ref request.Notifications);
            var job = Render(subscription, entity, context, request.Correlator + "; cbnotif=" + number.ToString(CultureInfo.InvariantCulture), alteration);
            if (job is not null)
            {
                (jobs ??= []).Add(job);
            }
        }

        return jobs;
    }

    private static bool MatchesEntity(Subscription subscription, Entity entity)
    {
        foreach (var matcher in subscription.Matchers)
        {
            if (matcher.Matches(entity.Id, entity.Type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Triggers(Subscription subscription, Alteration alteration, NotificationContext context, bool forced, Entity entity)
    {
        var types = subscription.AlterationTypes;
        switch (alteration)
        {
            case Alteration.Create:
                if (types is not null && !types.Contains("entityCreate"))
                {
                    return false;
                }

                return subscription.ConditionAttrs.Count == 0 || subscription.ConditionAttrs.Any(entity.Attributes.ContainsKey);
            case Alteration.Delete:
                return types is not null && types.Contains("entityDelete");
            default:
                var anyUpdate = types is not null && types.Contains("entityUpdate");
                IReadOnlySet<string> relevant = anyUpdate || forced ? context.TouchedAttributes : context.ChangedAttributes;
                if (!subscription.NotifyOnMetadataChange && !forced && context.MetadataOnly is { } metadataOnly)
                {
                    relevant = relevant.Where(a => !metadataOnly.Contains(a)).ToHashSet(StringComparer.Ordinal);
                }

                if (relevant.Count == 0 && !anyUpdate)
                {
                    return false;
                }

                if (types is not null && !anyUpdate && !types.Contains("entityChange"))
                {
                    return false;
                }

                return subscription.ConditionAttrs.Count == 0 || subscription.ConditionAttrs.Any(relevant.Contains);
        }
    }

    private static NotificationJob? Render(Subscription subscription, Entity entity, NotificationContext context, string correlator, Alteration alteration)
    {
        HashSet<string>? onlyThese = null;
        if (subscription.OnlyChangedAttrs && alteration == Alteration.Update)
        {
            onlyThese = context.ChangedAttributes.Count > 0 ? context.ChangedAttributes : context.TouchedAttributes;
        }

        var mqtt = subscription.Mqtt;
        var custom = mqtt is null ? subscription.Custom : mqtt.Custom;
        var url = subscription.Url;
        var topic = mqtt?.Topic;
        IReadOnlyList<KeyValuePair<string, string>>? headers = null;
        var format = subscription.AttrsFormat;
        var contentType = "application/json";
        byte[]? body;
        if (custom is not null && (custom.Payload is not null || custom.PayloadNull || custom.HasJson || custom.Ngsi is not null || url.Contains("${", StringComparison.Ordinal)
            || custom.Headers.Count > 0 || custom.Qs.Count > 0 || (topic is not null && topic.Contains("${", StringComparison.Ordinal))))
        {
            var values = TemplateValues(subscription, entity, onlyThese);
            if (mqtt is not null)
            {
                // The url, qos, retain and credentials of mqttCustom are fixed; only the topic is a template.
                topic = Substitute(topic!, values);
                if (topic.Length == 0 || topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal))
                {
                    return null;
                }
            }
            else
            {
                url = Substitute(url, values);
                if (custom.Qs.Count > 0)
                {
                    var query = new StringBuilder();
                    foreach (var (name, value) in custom.Qs)
                    {
                        query.Append(query.Length == 0 ? (url.Contains('?', StringComparison.Ordinal) ? '&' : '?') : '&')
                            .Append(Uri.EscapeDataString(Substitute(name, values))).Append('=').Append(Uri.EscapeDataString(Substitute(value, values)));
                    }

                    url += query.ToString();
                }

                if (!Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    // Orion sends nothing when the url is malformed after substitution.
                    return null;
                }
            }

            var list = new List<KeyValuePair<string, string>>(custom.Headers.Count);
            foreach (var (name, value) in custom.Headers)
            {
                var headerName = Substitute(name, values);
                var headerValue = Substitute(value, values);
                if (string.Equals(headerName, "Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = headerValue;
                }

                list.Add(new(headerName, headerValue));
            }

            headers = list;
            if (custom.Payload is not null)
            {
                // Orion decodes URL-encoded characters in the text payload (how a client writes the quotes it forbids).
                body = Encoding.UTF8.GetBytes(PercentDecode(Substitute(custom.Payload, values)));
                format = "custom";
                if (!custom.Headers.Any(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)))
                {
                    contentType = "text/plain";
                }
            }
            else if (custom.PayloadNull)
            {
                body = null;
                format = "custom";
            }
            else if (custom.HasJson)
            {
                body = Encoding.UTF8.GetBytes(JsonValues.ToJson(SubstituteJson(custom.Json, values)));
                format = "custom";
            }
            else if (custom.Ngsi is { } ngsi)
            {
                body = RenderDefault(subscription, ngsi.Apply(entity, values, Substitute, SubstituteJson), context, onlyThese);
            }
            else
            {
                body = RenderDefault(subscription, entity, context, onlyThese);
            }
        }
        else
        {
            body = RenderDefault(subscription, entity, context, onlyThese);
        }

        return new NotificationJob
        {
            Subscription = subscription,
            Method = custom is null || mqtt is not null ? HttpMethod.Post : HttpMethod.Parse(custom.Method),
            Url = url,
            ParsedUrl = ReferenceEquals(url, subscription.Url) ? subscription.ParsedUrl : null,
            Mqtt = mqtt,
            Topic = topic,
            Body = body,
            ContentType = contentType,
            Format = format,
            Headers = headers,
            Tenant = subscription.Tenant,
            ServicePath = entity.ServicePath,
            Correlator = correlator,
            EntityHash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(entity.Id), StringComparer.Ordinal.GetHashCode(entity.Type)),
            Parent = System.Diagnostics.Activity.Current?.Context ?? default,
        };
    }

    /// <summary>Decodes <c>%XX</c> sequences as curl_unescape does: anything that is not a valid escape stays as it is.</summary>
    internal static string PercentDecode(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        var utf8 = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'%' && i + 2 < utf8.Length && Uri.IsHexDigit((char)utf8[i + 1]) && Uri.IsHexDigit((char)utf8[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(Encoding.ASCII.GetString(utf8, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add(utf8[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static byte[] RenderDefault(Subscription subscription, Entity entity, NotificationContext context, HashSet<string>? onlyThese)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        var simplified = subscription.AttrsFormat is "simplifiedNormalized" or "simplifiedKeyValues";
        if (!simplified)
        {
            writer.WriteStartObject();
            writer.WriteString("subscriptionId", subscription.Id);
            writer.WriteStartArray("data");
        }

        EntityWriter.WriteEntity(writer, entity, subscription.Render, context, onlyThese);
        if (!simplified)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static Dictionary<string, object?> TemplateValues(Subscription subscription, Entity entity, HashSet<string>? onlyThese)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = entity.Id,
            ["type"] = entity.Type,
            ["service"] = subscription.Tenant,
            ["servicePath"] = entity.ServicePath,
        };
        foreach (var (name, _, value, _) in EntityWriter.Selected(entity, subscription.Render, onlyThese))
        {
            values[name] = value;
        }

        return values;
    }

    /// <summary>Replaces <c>${name}</c> with the value's text; unknown names become empty, as in Orion.</summary>
    internal static string Substitute(string template, Dictionary<string, object?> values)
    {
        if (!template.Contains("${", StringComparison.Ordinal))
        {
            return template;
        }

        var result = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var start = template.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : template.IndexOf('}', start + 2);
            if (start < 0 || end < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            result.Append(template, i, start - i);
            var name = template[(start + 2)..end];
            if (values.TryGetValue(name, out var value))
            {
                result.Append(JsonValues.ToText(value));
            }

            i = end + 1;
        }

        return result.ToString();
    }

    private static object? SubstituteJson(object? template, Dictionary<string, object?> values) => template switch
    {
        string s when s.StartsWith("${", StringComparison.Ordinal) && s.EndsWith('}') && s.IndexOf("${", 2, StringComparison.Ordinal) < 0
            => values.TryGetValue(s[2..^1], out var v) ? JsonValues.Clone(v) : null,
        string s => Substitute(s, values),
        List<object?> list => list.Select(item => SubstituteJson(item, values)).ToList(),
        JsonMap map => SubstituteMap(map, values),
        _ => template,
    };

    private static JsonMap SubstituteMap(JsonMap map, Dictionary<string, object?> values)
    {
        var result = new JsonMap(map.Count);
        foreach (var pair in map)
        {
            result.Add(new(Substitute(pair.Key, values), SubstituteJson(pair.Value, values)));
        }

        return result;
    }
}
