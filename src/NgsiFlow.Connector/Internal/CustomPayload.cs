using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector.Internal;

/// <summary>
/// Reads an <c>httpCustom</c> payload: jobs receive entities, so a custom body must be an NGSI-v2 entity (normalized
/// or keyValues, as a <c>json</c> or <c>payload</c> template with <c>${id}</c>/<c>${type}</c> produces) or a
/// notification envelope.
/// </summary>
internal static class CustomPayload
{
    public static bool TryReadEntities(NgsiCustomNotification custom, out IReadOnlyList<INgsiEntity> entities, out NgsiFormatException? error)
    {
        var body = custom.Body.Span;
        try
        {
            entities = [NgsiV2Parser.ParseEntity(body, NgsiV2Representation.Normalized)];
            error = null;
            return true;
        }
        catch (NgsiFormatException)
        {
            // Try the other shapes below.
        }

        try
        {
            entities = [NgsiV2Parser.ParseEntity(body, NgsiV2Representation.KeyValues)];
            error = null;
            return true;
        }
        catch (NgsiFormatException keyValues)
        {
            if (NotificationParser.TryParse(body, NotificationHeaders.Empty, null, out var inner, out _) && inner is not NgsiCustomNotification)
            {
                entities = inner.EntityList;
                error = null;
                return true;
            }

            entities = [];
            error = new NgsiFormatException(keyValues.JsonPath, "a custom payload that is an NGSI-v2 entity (normalized or keyValues) or a notification", keyValues.Found, keyValues);
            return false;
        }
    }
}
