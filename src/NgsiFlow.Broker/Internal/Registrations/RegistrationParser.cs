using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Registrations;

/// <summary>Builds a <see cref="Registration"/> from its JSON, answering bad fields with Orion's texts.</summary>
internal static class RegistrationParser
{
    private static readonly string[] Modes = ["all", "query", "update", "none"];

    public static Registration Parse(object? body, string id, string servicePath)
    {
        if (body is not JsonMap map)
        {
            throw body is null ? OrionException.Parse() : OrionException.BadRequest("payload is not a JSON object");
        }

        if (map.Count == 0)
        {
            throw OrionException.BadRequest("empty payload");
        }

        foreach (var pair in map)
        {
            if (pair.Key is not ("description" or "dataProvided" or "provider" or "expires" or "status" or "id" or "forwardingInformation"))
            {
                throw OrionException.BadRequest($"unrecognized field in registration: /{pair.Key}/");
            }
        }

        string? description = null;
        if (map.TryGet("description", out var d))
        {
            description = d as string ?? throw OrionException.BadRequest("invalid description");
            if (description.Length > 1024)
            {
                throw OrionException.BadRequest("max description length exceeded");
            }

            try
            {
                FieldRules.CheckValue(description, "description");
            }
            catch (OrionException)
            {
                throw OrionException.BadRequest("forbidden characters in description");
            }
        }

        if (!map.TryGet("dataProvided", out var dataValue))
        {
            throw OrionException.BadRequest("the field /dataProvided/ is missing in payload");
        }

        var (entities, attrs) = ParseDataProvided(dataValue);
        if (!map.TryGet("provider", out var providerValue))
        {
            throw OrionException.BadRequest("the field /provider/ is missing in payload");
        }

        var (url, mode, legacy) = ParseProvider(providerValue);
        DateTime? expires = null;
        if (map.TryGet("expires", out var e))
        {
            var text = e as string ?? throw OrionException.BadRequest("the field /expires/ has an invalid format");
            if (text.Length > 0)
            {
                expires = Dates.TryParse(text, out var at) ? at : throw OrionException.BadRequest("the field /expires/ has an invalid format");
            }
        }

        var status = "active";
        if (map.TryGet("status", out var s))
        {
            status = s as string ?? throw OrionException.BadRequest("/status/ must be a string");
            if (status is not ("active" or "inactive"))
            {
                throw OrionException.BadRequest("invalid value for /status/");
            }
        }

        return new Registration
        {
            Id = id,
            ServicePath = servicePath,
            Description = description,
            Entities = entities,
            Attrs = attrs,
            Url = url,
            ForwardingMode = mode,
            LegacyForwarding = legacy,
            Status = status,
            Expires = expires,
        };
    }

    private static (List<RegisteredEntity> Entities, List<string> Attrs) ParseDataProvided(object? value)
    {
        if (value is not JsonMap data)
        {
            throw OrionException.BadRequest("/dataProvided/ must be a JSON object");
        }

        if (data.Count == 0)
        {
            throw OrionException.BadRequest("/dataProvided/ is empty");
        }

        var entities = new List<RegisteredEntity>();
        if (data.TryGet("entities", out var entitiesValue))
        {
            if (entitiesValue is not List<object?> list || list.Count == 0)
            {
                throw OrionException.BadRequest("/entities/ must be a non-empty JSON array");
            }

            foreach (var item in list)
            {
                entities.Add(ParseEntity(item));
            }
        }
        else
        {
            throw OrionException.BadRequest("/entities/ is missing in /dataProvided/");
        }

        var attrs = new List<string>();
        if (data.TryGet("attrs", out var attrsValue))
        {
            if (attrsValue is not List<object?> names)
            {
                throw OrionException.BadRequest("/attrs/ must be a JSON array");
            }

            foreach (var name in names)
            {
                var text = name as string ?? throw OrionException.BadRequest("/attrs/ element must be a JSON string");
                FieldRules.CheckIdentifier(text, "attribute name");
                attrs.Add(text);
            }
        }

        foreach (var pair in data)
        {
            if (pair.Key is "expression")
            {
                throw new OrionException(501, "NotImplemented", "/expression/ in /dataProvided/ is not supported");
            }

            if (pair.Key is not ("entities" or "attrs"))
            {
                throw OrionException.BadRequest($"unrecognized field in /dataProvided/: /{pair.Key}/");
            }
        }

        return (entities, attrs);
    }

    private static RegisteredEntity ParseEntity(object? item)
    {
        if (item is not JsonMap entity)
        {
            throw OrionException.BadRequest("entity is not a JSON object");
        }

        string? id = null, idPattern = null, type = null;
        foreach (var pair in entity)
        {
            var text = pair.Value as string ?? throw OrionException.BadRequest($"Invalid JSON type for entity {pair.Key}");
            switch (pair.Key)
            {
                case "id":
                    FieldRules.CheckIdentifier(text, "entity id");
                    id = text;
                    break;
                case "idPattern":
                    idPattern = text == ".*" ? text : throw new OrionException(501, "NotImplemented", "idPattern only supports .* in registrations");
                    break;
                case "type":
                    FieldRules.CheckIdentifier(text, "entity type");
                    type = text;
                    break;
                case "typePattern":
                    throw new OrionException(501, "NotImplemented", "typePattern is not implemented in registrations");
                default:
                    throw OrionException.BadRequest($"unrecognized field in entity: /{pair.Key}/");
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

        return new RegisteredEntity(id, idPattern, type);
    }

    private static (string Url, string Mode, bool Legacy) ParseProvider(object? value)
    {
        if (value is not JsonMap provider)
        {
            throw OrionException.BadRequest("/provider/ must be a JSON object");
        }

        if (provider.Count == 0)
        {
            throw OrionException.BadRequest("/provider/ empty");
        }

        if (!provider.TryGet("http", out var httpValue))
        {
            throw OrionException.BadRequest("/provider/ must contain a field /http/");
        }

        if (httpValue is not JsonMap http)
        {
            throw OrionException.BadRequest("/http/ must be a JSON object");
        }

        if (!http.TryGet("url", out var urlValue))
        {
            throw OrionException.BadRequest("/http/ must contain a field /url/");
        }

        var url = urlValue as string ?? throw OrionException.BadRequest("/url/ field of /http/ must be a JSON string");
        if (url.Length == 0)
        {
            throw OrionException.BadRequest("/url/ field of /http/ cannot be the empty string");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw OrionException.BadRequest("/url/ field of /http/ is invalid");
        }

        var mode = "all";
        if (provider.TryGet("supportedForwardingMode", out var modeValue))
        {
            mode = modeValue as string ?? throw OrionException.BadRequest("/supportedForwardingMode/ must be a JSON string");
            if (!Modes.Contains(mode))
            {
                throw OrionException.BadRequest("invalid value of /supportedForwardingMode/");
            }
        }

        var legacy = false;
        if (provider.TryGet("legacyForwarding", out var legacyValue))
        {
            legacy = legacyValue as bool? ?? throw OrionException.BadRequest("the field /legacyForwarding/ must be a boolean");
        }

        foreach (var pair in provider)
        {
            if (pair.Key is not ("http" or "supportedForwardingMode" or "legacyForwarding"))
            {
                throw OrionException.BadRequest($"unrecognized field in /provider/: /{pair.Key}/");
            }
        }

        return (url, mode, legacy);
    }
}
