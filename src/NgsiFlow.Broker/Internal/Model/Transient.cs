namespace NgsiFlow.Broker.Internal.Model;

/// <summary>
/// Transient entities: an entity with a <c>dateExpires</c> attribute (a DateTime, a builtin hidden unless asked for)
/// is deleted once that time has passed, by the broker's expiry sweep, without notifications (as Orion's database
/// TTL deletes it). Orion's checks and texts for a bad <c>dateExpires</c>.
/// </summary>
internal static class Transient
{
    public const string AttributeName = "dateExpires";

    /// <summary>The attribute, checked, its date written as Orion renders dates; unchanged unless it is dateExpires.</summary>
    public static ParsedAttribute Check(ParsedAttribute attribute)
    {
        if (attribute.Name != AttributeName)
        {
            return attribute;
        }

        if (attribute.Type is not null and not "DateTime")
        {
            throw OrionException.BadRequest("error processing date expiration attribute, see log traces");
        }

        if (attribute.Value is not string text || !Dates.TryParse(text, out var at))
        {
            throw OrionException.BadRequest("date has invalid format in attribute value");
        }

        return attribute with { Type = "DateTime", Value = Dates.Format(at) };
    }

    /// <summary>When the entity expires, or null for a regular entity.</summary>
    public static DateTime? ExpiresAt(Entity entity) =>
        entity.Attributes.TryGetValue(AttributeName, out var attribute) && attribute.Value is string text && Dates.TryParse(text, out var at) ? at : null;
}
