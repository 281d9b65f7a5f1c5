using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;
using NgsiFlow.Broker.Internal.Query;

namespace NgsiFlow.Broker.Internal.Subscriptions;

/// <summary>Builds a <see cref="Subscription"/> from its JSON definition, answering bad fields with Orion's texts.</summary>
internal static partial class SubscriptionParser
{
    private static readonly string[] Formats = ["normalized", "keyValues", "values", "simplifiedNormalized", "simplifiedKeyValues", "legacy"];
    private static readonly string[] Methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"];
    private static readonly string[] Alterations = ["entityCreate", "entityUpdate", "entityChange", "entityDelete"];

    /// <summary>The longest notification timeout a subscription may ask for: 30 minutes, as in Orion.</summary>
    private const int MaxTimeout = 1_800_000;

    public static Subscription Parse(JsonMap definition, string id, string tenant, string servicePath, ServicePathScope scope, DateTime created)
    {
        foreach (var pair in definition)
        {
            if (pair.Key is not ("description" or "subject" or "notification" or "expires" or "status" or "throttling" or "id"))
            {
                throw OrionException.BadRequest($"unrecognized field in subscription: /{pair.Key}/");
            }
        }

        string? description = null;
        if (definition.TryGet("description", out var d))
        {
            description = d as string ?? throw OrionException.BadRequest("description is not a string");
            if (description.Length > 1024)
            {
                throw OrionException.BadRequest("max description length exceeded");
            }

            FieldRules.CheckValue(description, "description");
        }

        if (!definition.TryGet("subject", out var subjectValue) || subjectValue is not JsonMap subject)
        {
            throw OrionException.BadRequest("no subject for subscription specified");
        }

        if (!definition.TryGet("notification", out var notificationValue) || notificationValue is not JsonMap notification)
        {
            throw OrionException.BadRequest("no notification for subscription specified");
        }

        var (entities, matchers) = ParseEntities(subject);
        IReadOnlyList<string> conditionAttrs = [];
        JsonMap? expression = null;
        SimpleQuery? q = null, mq = null;
        Geo.GeoFilter? geo = null;
        IReadOnlyList<string>? alterationTypes = null;
        var notifyOnMetadataChange = true;
        if (subject.TryGet("condition", out var conditionValue))
        {
            var condition = conditionValue as JsonMap ?? throw OrionException.BadRequest("condition is not an object");
            if (condition.TryGet("attrs", out var attrsValue))
            {
                conditionAttrs = StringList(attrsValue, "condition attrs");
            }

            if (condition.TryGet("expression", out var expressionValue))
            {
                expression = expressionValue as JsonMap ?? throw OrionException.BadRequest("expression is not an object");
                foreach (var pair in expression)
                {
                    if (pair.Value is not string text)
                    {
                        throw OrionException.BadRequest($"{pair.Key} is not a string");
                    }

                    switch (pair.Key)
                    {
                        case "q":
                            q = SimpleQuery.ParseOrNull(text, metadata: false);
                            break;
                        case "mq":
                            mq = SimpleQuery.ParseOrNull(text, metadata: true);
                            break;
                        case "georel" or "geometry" or "coords":
                            break;
                        default:
                            throw OrionException.BadRequest($"unrecognized field in expression: /{pair.Key}/");
                    }
                }
            }

            if (expression is not null)
            {
                geo = ParseGeo(expression);
            }

            if (condition.TryGet("alterationTypes", out var alterationValue))
            {
                alterationTypes = StringList(alterationValue, "alterationTypes");
                foreach (var type in alterationTypes)
                {
                    if (!Alterations.Contains(type))
                    {
                        throw OrionException.BadRequest($"unknown subject condition alterationType: {type}");
                    }
                }
            }

            if (condition.TryGet("notifyOnMetadataChange", out var notifyValue))
            {
                notifyOnMetadataChange = notifyValue as bool? ?? throw OrionException.BadRequest("notifyOnMetadataChange is not a bool");
            }

            foreach (var pair in condition)
            {
                if (pair.Key is not ("attrs" or "expression" or "alterationTypes" or "notifyOnMetadataChange"))
                {
                    throw OrionException.BadRequest($"unrecognized field in condition: /{pair.Key}/");
                }
            }
        }

        string url;
        HttpCustom? custom = null;
        MqttEndpoint? mqtt = null;
        var timeout = 0;
        CheckOneKind(notification);
        if (notification.TryGet("http", out var httpValue))
        {
            var http = httpValue as JsonMap ?? throw OrionException.BadRequest("http notification is not an object");
            url = ParseUrl(http);
            timeout = ParseTimeout(http);
            foreach (var pair in http)
            {
                if (pair.Key is not ("url" or "timeout"))
                {
                    throw OrionException.BadRequest($"unrecognized field in http: /{pair.Key}/");
                }
            }
        }
        else if (notification.TryGet("httpCustom", out var customValue))
        {
            var httpCustom = customValue as JsonMap ?? throw OrionException.BadRequest("httpCustom notification is not an object");
            url = ParseUrl(httpCustom);
            timeout = ParseTimeout(httpCustom);
            custom = ParseCustom(httpCustom);
        }
        else if (notification.TryGet("mqtt", out var mqttValue))
        {
            mqtt = ParseMqtt(mqttValue as JsonMap ?? throw OrionException.BadRequest("mqtt notification is not an object"), custom: false);
            url = mqtt.Url;
        }
        else
        {
            notification.TryGet("mqttCustom", out var mqttCustomValue);
            mqtt = ParseMqtt(mqttCustomValue as JsonMap ?? throw OrionException.BadRequest("mqttCustom notification is not an object"), custom: true);
            url = mqtt.Url;
        }

        IReadOnlyList<string>? attrs = null, exceptAttrs = null, metadata = null;
        if (notification.TryGet("attrs", out var nAttrs))
        {
            attrs = StringList(nAttrs, "notification attrs");
        }

        if (notification.TryGet("exceptAttrs", out var nExcept))
        {
            if (attrs is { Count: > 0 })
            {
                throw OrionException.BadRequest("http notification has attrs and exceptAttrs");
            }

            exceptAttrs = StringList(nExcept, "notification exceptAttrs");
            if (exceptAttrs.Count == 0)
            {
                throw OrionException.BadRequest("notification exceptAttrs is empty");
            }
        }

        if (notification.TryGet("metadata", out var nMetadata))
        {
            metadata = StringList(nMetadata, "notification metadata");
        }

        var format = "normalized";
        if (notification.TryGet("attrsFormat", out var formatValue))
        {
            format = formatValue as string ?? throw OrionException.BadRequest("attrsFormat is not a string");
            if (!Formats.Contains(format))
            {
                throw OrionException.BadRequest("invalid attrsFormat, accepted values: legacy, normalized, simplifiedNormalized, keyValues, simplifiedKeyValues, values");
            }
        }

        var onlyChanged = notification.TryGet("onlyChangedAttrs", out var onlyValue) && (onlyValue as bool? ?? throw OrionException.BadRequest("onlyChangedAttrs is not a bool"));
        var covered = notification.TryGet("covered", out var coveredValue) && (coveredValue as bool? ?? throw OrionException.BadRequest("covered is not a bool"));
        if (covered && attrs is not { Count: > 0 })
        {
            throw OrionException.BadRequest("covered true cannot be used if notification attributes list is empty");
        }

        var maxFails = 0;
        if (notification.TryGet("maxFailsLimit", out var maxFailsValue))
        {
            // Orion's texts (functional case 3541 http_maxfailslimit_error_conditions).
            maxFails = maxFailsValue is not double m || m != Math.Floor(m) || m > int.MaxValue ? throw OrionException.BadRequest("maxFailsLimit is not an int")
                : m < 1 ? throw OrionException.BadRequest("maxFailsLimit must be greater than zero")
                : (int)m;
        }

        foreach (var pair in notification)
        {
            if (pair.Key is not ("http" or "httpCustom" or "mqtt" or "mqttCustom" or "attrs" or "exceptAttrs" or "metadata" or "attrsFormat" or "onlyChangedAttrs" or "covered" or "maxFailsLimit"
                or "timesSent" or "lastNotification" or "lastSuccess" or "lastSuccessCode" or "lastFailure" or "lastFailureReason" or "failsCounter" or "dropped"))
            {
                throw OrionException.BadRequest($"unrecognized field in notification: /{pair.Key}/");
            }
        }

        DateTime? expires = null;
        if (definition.TryGet("expires", out var expiresValue))
        {
            if (expiresValue is not string expiresText || !Dates.TryParse(expiresText, out var at))
            {
                throw OrionException.BadRequest("expires has an invalid format");
            }

            expires = at;
        }

        var status = "active";
        if (definition.TryGet("status", out var statusValue))
        {
            status = statusValue as string ?? throw OrionException.BadRequest("status is not a string");
            if (status is not ("active" or "inactive" or "oneshot"))
            {
                throw OrionException.BadRequest("status is not valid: it has to be either active, inactive or oneshot");
            }
        }

        double throttling = 0;
        if (definition.TryGet("throttling", out var throttlingValue))
        {
            throttling = throttlingValue is double t && t >= 0 ? t : throw OrionException.BadRequest("throttling must be a number greater or equal than 0");
        }

        var renderFormat = format switch
        {
            "keyValues" or "simplifiedKeyValues" => RenderFormat.KeyValues,
            "values" => RenderFormat.Values,
            _ => RenderFormat.Normalized,
        };

        return new Subscription
        {
            Id = id,
            Tenant = tenant,
            ServicePath = servicePath,
            Scope = scope,
            Definition = definition,
            Description = description,
            SubjectEntities = entities,
            Matchers = matchers,
            ConditionAttrs = conditionAttrs,
            Expression = expression,
            Q = q,
            Mq = mq,
            Geo = geo,
            AlterationTypes = alterationTypes,
            NotifyOnMetadataChange = notifyOnMetadataChange,
            Attrs = attrs,
            ExceptAttrs = exceptAttrs,
            Metadata = metadata,
            AttrsFormat = format,
            OnlyChangedAttrs = onlyChanged,
            Covered = covered,
            Url = url,
            ParsedUrl = url.Contains("${", StringComparison.Ordinal) ? null : new Uri(url),
            Custom = custom,
            Mqtt = mqtt,
            Expires = expires,
            Status = status,
            Throttling = throttling,
            MaxFailsLimit = maxFails,
            TimeoutMilliseconds = timeout,
            Created = created,
            Render = new RenderSpec { Format = renderFormat, Attrs = attrs is { Count: > 0 } ? attrs : null, ExceptAttrs = exceptAttrs, Metadata = metadata, Covered = covered },
        };
    }

    /// <summary>The expression's georel/geometry/coords: all three or none, checked as a query's are (Orion's texts).</summary>
    private static Geo.GeoFilter? ParseGeo(JsonMap expression)
    {
        var georel = expression.TryGet("georel", out var r) ? (string?)r : null;
        var geometry = expression.TryGet("geometry", out var g) ? (string?)g : null;
        var coords = expression.TryGet("coords", out var c) ? (string?)c : null;
        var given = (string.IsNullOrEmpty(georel) ? 0 : 1) + (string.IsNullOrEmpty(geometry) ? 0 : 1) + (string.IsNullOrEmpty(coords) ? 0 : 1);
        if (given == 0)
        {
            return null;
        }

        if (given < 3)
        {
            throw OrionException.BadRequest("partial geo expression: geometry, georel and coords have to be provided together");
        }

        try
        {
            return Geo.GeoFilter.Parse(georel, geometry, coords);
        }
        catch (OrionException e) when (e.Status == 400)
        {
            const string QueryPrefix = "Invalid query: ";
            var detail = e.Description.StartsWith(QueryPrefix, StringComparison.Ordinal) ? e.Description[QueryPrefix.Length..] : e.Description;
            throw OrionException.BadRequest("error parsing geo-query fields: " + detail);
        }
    }

    private static (List<JsonMap> Entities, List<EntityMatcher> Matchers) ParseEntities(JsonMap subject)
    {
        if (!subject.TryGet("entities", out var entitiesValue) || entitiesValue is not List<object?> list || list.Count == 0)
        {
            throw OrionException.BadRequest("no subject entities specified");
        }

        var entities = new List<JsonMap>(list.Count);
        var matchers = new List<EntityMatcher>(list.Count);
        foreach (var item in list)
        {
            var map = item as JsonMap ?? throw OrionException.BadRequest("subject entities element is not an object");
            string? id = null, idPattern = null, type = null, typePattern = null;
            foreach (var pair in map)
            {
                var text = pair.Value as string ?? throw OrionException.BadRequest($"subject entities element {pair.Key} is not a string");
                switch (pair.Key)
                {
                    case "id":
                        id = text;
                        CheckSubjectField(text, "id");
                        break;
                    case "idPattern":
                        idPattern = text;
                        break;
                    case "type":
                        type = text;
                        CheckSubjectField(text, "type");
                        break;
                    case "typePattern":
                        typePattern = text;
                        break;
                    default:
                        throw OrionException.BadRequest($"unrecognized field in subject entities element: /{pair.Key}/");
                }
            }

            if (id is not null && idPattern is not null)
            {
                throw OrionException.BadRequest("both /id/ and /idPattern/ present");
            }

            if (id is null && idPattern is null)
            {
                throw OrionException.BadRequest("nor /id/ nor /idPattern/ present");
            }

            if (type is not null && typePattern is not null)
            {
                throw OrionException.BadRequest("both /type/ and /typePattern/ present");
            }

            entities.Add(map);
            matchers.Add(new EntityMatcher
            {
                Id = id,
                IdPattern = idPattern is null || idPattern == ".*" ? null : EntityMatcher.Pattern(idPattern, "entity id pattern"),
                Type = type,
                TypePattern = typePattern is null || typePattern == ".*" ? null : EntityMatcher.Pattern(typePattern, "entity type pattern"),
            });
        }

        return (entities, matchers);
    }

    private static void CheckSubjectField(string text, string field)
    {
        try
        {
            FieldRules.CheckIdentifier(text, "x");
        }
        catch (OrionException)
        {
            throw OrionException.BadRequest($"forbidden characters in subject entities element {field}");
        }
    }

    private static string ParseUrl(JsonMap http)
    {
        if (!http.TryGet("url", out var urlValue) || urlValue is not string url || url.Length == 0)
        {
            throw OrionException.BadRequest("http notification has missing url");
        }

        if (url.StartsWith("mqtt://", StringComparison.OrdinalIgnoreCase))
        {
            throw OrionException.BadRequest("mqtt URL cannot be used in http notifications");
        }

        // Templates (${...}) make the url checkable only after substitution.
        if (!url.Contains("${", StringComparison.Ordinal)
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw OrionException.BadRequest("Invalid URL");
        }

        return url;
    }

    /// <summary>The notification's own timeout (milliseconds, 0 to 1,800,000; 0 or absent: the broker's).</summary>
    private static int ParseTimeout(JsonMap http)
    {
        if (!http.TryGet("timeout", out var value))
        {
            return 0;
        }

        if (value is not double number || number != Math.Floor(number))
        {
            throw OrionException.BadRequest("timeout is not an int");
        }

        return number is >= 0 and <= MaxTimeout ? (int)number : throw OrionException.BadRequest($"timeout field must be an integer between 0 and {MaxTimeout}");
    }

    private static HttpCustom ParseCustom(JsonMap map)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var qs = new List<KeyValuePair<string, string>>();
        var method = "POST";
        foreach (var pair in map)
        {
            switch (pair.Key)
            {
                case "url" or "payload" or "json" or "ngsi" or "timeout":
                    break;
                case "headers":
                    headers.AddRange(StringMap(pair.Value, "headers"));
                    break;
                case "qs":
                    qs.AddRange(StringMap(pair.Value, "qs"));
                    break;
                case "method":
                    method = pair.Value as string ?? throw OrionException.BadRequest("method is not a string");
                    if (!Methods.Contains(method))
                    {
                        throw OrionException.BadRequest("Invalid HTTP method: " + method);
                    }

                    break;
                default:
                    throw OrionException.BadRequest($"unrecognized field in httpCustom: /{pair.Key}/");
            }
        }

        return ParseCustomPayload(map, headers, qs, method);
    }

    private static List<string> StringList(object? value, string what)
    {
        if (value is not List<object?> list)
        {
            throw OrionException.BadRequest($"{what} is not an array");
        }

        var result = new List<string>(list.Count);
        foreach (var item in list)
        {
            result.Add(item as string ?? throw OrionException.BadRequest($"{what} element is not a string"));
        }

        return result;
    }

    private static IEnumerable<KeyValuePair<string, string>> StringMap(object? value, string what)
    {
        if (value is not JsonMap map)
        {
            throw OrionException.BadRequest($"{what} is not an object");
        }

        foreach (var pair in map)
        {
            yield return new(pair.Key, pair.Value as string ?? throw OrionException.BadRequest($"{what} element {pair.Key} is not a string"));
        }
    }
}
