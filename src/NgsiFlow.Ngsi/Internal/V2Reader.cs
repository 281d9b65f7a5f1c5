using System.Globalization;
using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>Reads NGSI-v2 entities, attributes and notification envelopes from a <see cref="JsonSource"/>.</summary>
internal static class V2Reader
{
    private static readonly NgsiV2Metadata[] NoMetadata = [];

    [ThreadStatic]
    private static List<NgsiV2Attribute>? t_scratch;
    private static readonly string[] IndexNames = [.. Enumerable.Range(0, 64).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public static NgsiV2Notification ReadNotification(ref JsonSource src, NotificationFormat format, FiwareContext fiware, NotificationParseOptions options)
    {
        src.ReadFirst("a notification object");
        if (format is NotificationFormat.V2SimplifiedNormalized or NotificationFormat.V2SimplifiedKeyValues)
        {
            var rep = format == NotificationFormat.V2SimplifiedNormalized ? NgsiV2Representation.Normalized : NgsiV2Representation.KeyValues;
            var single = ReadEntity(ref src, rep);
            src.ExpectEnd();
            return new NgsiV2Notification(format, fiware, [single]);
        }

        src.Expect(JsonTokenType.StartObject, "a notification object with \"subscriptionId\" and \"data\"");
        string? subscriptionId = null;
        DateTimeOffset? notifiedAt = null;
        List<NgsiV2Entity>? entities = null;
        var representation = format == NotificationFormat.V2KeyValues ? NgsiV2Representation.KeyValues : NgsiV2Representation.Normalized;
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            if (src.Reader.ValueTextEquals("data"u8))
            {
                src.Read();
                src.Expect(JsonTokenType.StartArray, "a \"data\" array of entities");
                entities = new List<NgsiV2Entity>(4);
                src.Read();
                while (src.Token != JsonTokenType.EndArray)
                {
                    entities.Add(format == NotificationFormat.V2Values
                        ? ReadValuesEntity(ref src, options.ValuesAttributeNames)
                        : ReadEntity(ref src, representation));
                    src.Read();
                }
            }
            else if (src.Reader.ValueTextEquals("subscriptionId"u8))
            {
                subscriptionId = src.ReadName("a string subscription id");
            }
            else if (src.Reader.ValueTextEquals("notifiedAt"u8))
            {
                notifiedAt = ReadDate(ref src);
            }
            else
            {
                // Members NgsiFlow does not know are skipped, so newer brokers do not break older receivers.
                src.Read();
                src.Reader.Skip();
            }

            src.Read();
        }

        src.ExpectEnd();
        if (entities is null)
        {
            src.FailAt(0, "a notification with a \"data\" array", "no \"data\" member");
        }

        return new NgsiV2Notification(format, fiware, entities) { SubscriptionId = subscriptionId, NotifiedAt = notifiedAt };
    }

    public static DateTimeOffset ReadDate(ref JsonSource src)
    {
        src.Read();
        src.Expect(JsonTokenType.String, "an ISO 8601 date-time string");
        ref var r = ref src.Reader;
        var parsed = !r.ValueIsEscaped && !r.HasValueSequence
            ? NgsiDates.TryParse(r.ValueSpan, out var date)
            : NgsiDates.TryParse(r.GetString()!, out date);
        if (!parsed)
        {
            src.Fail("an ISO 8601 date-time string", "'" + r.GetString() + "'");
        }

        return date;
    }

    /// <summary>Reads an entity object; the reader is on its StartObject and ends on its EndObject.</summary>
    public static NgsiV2Entity ReadEntity(ref JsonSource src, NgsiV2Representation representation)
    {
        var start = src.Reader.TokenStartIndex;
        src.Expect(JsonTokenType.StartObject, "an entity object with \"id\", \"type\" and attributes");
        string? id = null;
        string? type = null;

        // Gather into a reused list and copy once at the exact size: no growth garbage per entity.
        var attributes = t_scratch ??= new List<NgsiV2Attribute>(32);
        attributes.Clear();
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            if (src.Reader.ValueTextEquals("id"u8))
            {
                if (id is not null)
                {
                    src.Fail("each member of an entity once", "a second \"id\"");
                }

                id = src.ReadName("a string entity id");
            }
            else if (src.Reader.ValueTextEquals("type"u8))
            {
                if (type is not null)
                {
                    src.Fail("each member of an entity once", "a second \"type\"");
                }

                type = src.ReadName("a string entity type");
            }
            else
            {
                var at = src.Reader.TokenStartIndex;
                AddOnce(ref src, attributes, ReadNamedAttribute(ref src, representation), "an entity", at);
            }

            src.Read();
        }

        if (id is null)
        {
            src.FailAt(start, "an entity with an \"id\" member (string)", "no \"id\"");
        }

        var exact = new List<NgsiV2Attribute>(attributes.Count);
        exact.AddRange(attributes);
        attributes.Clear();
        if (attributes.Capacity > 1024)
        {
            // Do not keep a huge buffer alive on this thread after an unusually wide entity.
            t_scratch = null;
        }
        return new NgsiV2Entity(id, type ?? NgsiV2AttributeTypes.DefaultEntityType, new NgsiV2AttributeCollection(exact));
    }

    /// <summary>Reads an object of attributes (a PATCH body); the reader is on its StartObject.</summary>
    public static NgsiV2AttributeCollection ReadAttributes(ref JsonSource src, NgsiV2Representation representation)
    {
        src.Expect(JsonTokenType.StartObject, "an object of attributes");
        var attributes = new List<NgsiV2Attribute>(8);
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            var at = src.Reader.TokenStartIndex;
            AddOnce(ref src, attributes, ReadNamedAttribute(ref src, representation), "an object of attributes", at);
            src.Read();
        }

        return new NgsiV2AttributeCollection(attributes);
    }

    /// <summary>Adds an attribute, refusing a second one of the same name (as Orion refuses duplicate keys).</summary>
    private static void AddOnce(ref JsonSource src, List<NgsiV2Attribute> attributes, NgsiV2Attribute attribute, string where, long nameOffset)
    {
        // Entities are narrow: a scan beats hashing for the usual dozen attributes.
        foreach (var a in attributes)
        {
            if (string.Equals(a.Name, attribute.Name, StringComparison.Ordinal))
            {
                src.FailAt(nameOffset, $"each attribute of {where} once", $"a second \"{attribute.Name}\"");
            }
        }

        attributes.Add(attribute);
    }

    private static NgsiV2Attribute ReadNamedAttribute(ref JsonSource src, NgsiV2Representation representation)
    {
        var name = NameCache.Get(ref src.Reader);
        if (name.Length == 0)
        {
            src.Fail("a non-empty attribute name", "an empty name");
        }

        src.Read();
        return representation == NgsiV2Representation.Normalized
            ? ReadNormalizedAttribute(ref src, name)
            : new NgsiV2Attribute(name, NgsiJson.ReadValue(ref src));
    }

    /// <summary>Reads <c>{"type":..,"value":..,"metadata":{..}}</c>; the reader is on its StartObject.</summary>
    public static NgsiV2Attribute ReadNormalizedAttribute(ref JsonSource src, string name)
    {
        src.Expect(JsonTokenType.StartObject, "an attribute object with \"type\", \"value\" and \"metadata\"");
        string? type = null;
        NgsiValue value = default;
        long valueOffset = src.Reader.TokenStartIndex;
        IReadOnlyList<NgsiV2Metadata>? metadata = null;
        var seen = 0;
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            var member = src.Reader.ValueTextEquals("value"u8) ? 1 : src.Reader.ValueTextEquals("type"u8) ? 2 : src.Reader.ValueTextEquals("metadata"u8) ? 4 : 0;
            if ((seen & member) != 0)
            {
                src.Fail("each member of an attribute once", "a second \"" + (member == 1 ? "value" : member == 2 ? "type" : "metadata") + "\"");
            }

            seen |= member;
            if (src.Reader.ValueTextEquals("value"u8))
            {
                src.Read();
                valueOffset = src.Reader.TokenStartIndex;
                value = NgsiJson.ReadValue(ref src);
            }
            else if (src.Reader.ValueTextEquals("type"u8))
            {
                type = src.ReadName("a string attribute type");
            }
            else if (src.Reader.ValueTextEquals("metadata"u8))
            {
                src.Read();
                metadata = ReadMetadata(ref src);
            }
            else
            {
                src.Fail("only \"type\", \"value\" and \"metadata\" members in a normalized attribute");
            }

            src.Read();
        }

        if (type is not null)
        {
            CheckTypedValue(ref src, type, value, valueOffset);
        }

        return new NgsiV2Attribute(name, value, type, metadata);
    }

    private static void CheckTypedValue(ref JsonSource src, string type, NgsiValue value, long offset)
    {
        if (value.IsNull)
        {
            return;
        }

        if (string.Equals(type, NgsiV2AttributeTypes.DateTime, StringComparison.Ordinal)
            && (!value.TryGetString(out var s) || !NgsiDates.TryParse(s, out _)))
        {
            src.FailAt(offset, "an ISO 8601 date-time string for a DateTime attribute", value.Kind == NgsiValueKind.String ? "'" + value.GetString() + "'" : NgsiJson.Describe(value));
        }

        if (string.Equals(type, NgsiV2AttributeTypes.GeoJson, StringComparison.Ordinal) && !value.TryGetGeoJson(out _))
        {
            src.FailAt(offset, "a GeoJSON geometry (object with \"type\" and \"coordinates\") for a geo:json attribute", NgsiJson.Describe(value));
        }
    }

    private static IReadOnlyList<NgsiV2Metadata> ReadMetadata(ref JsonSource src)
    {
        src.Expect(JsonTokenType.StartObject, "a \"metadata\" object");
        src.Read();
        if (src.Token == JsonTokenType.EndObject)
        {
            return NoMetadata;
        }

        var list = new List<NgsiV2Metadata>(2);
        while (src.Token != JsonTokenType.EndObject)
        {
            var name = NameCache.Get(ref src.Reader);
            src.Read();
            src.Expect(JsonTokenType.StartObject, "a metadata object with \"type\" and \"value\"");
            string? type = null;
            NgsiValue value = default;
            long valueOffset = src.Reader.TokenStartIndex;
            src.Read();
            while (src.Token != JsonTokenType.EndObject)
            {
                if (src.Reader.ValueTextEquals("value"u8))
                {
                    src.Read();
                    valueOffset = src.Reader.TokenStartIndex;
                    value = NgsiJson.ReadValue(ref src);
                }
                else if (src.Reader.ValueTextEquals("type"u8))
                {
                    type = src.ReadName("a string metadata type");
                }
                else
                {
                    src.Fail("only \"type\" and \"value\" members in a metadata item");
                }

                src.Read();
            }

            if (type is not null)
            {
                CheckTypedValue(ref src, type, value, valueOffset);
            }

            list.Add(new NgsiV2Metadata(name, type ?? NgsiV2AttributeTypes.Infer(value), value));
            src.Read();
        }

        return list;
    }

    /// <summary>Reads one entity of the <c>values</c> format: an array of values in the subscription's attribute order.</summary>
    private static NgsiV2Entity ReadValuesEntity(ref JsonSource src, IReadOnlyList<string>? names)
    {
        src.Expect(JsonTokenType.StartArray, "an array of attribute values (values format)");
        var attributes = new List<NgsiV2Attribute>(names?.Count ?? 8);
        var i = 0;
        src.Read();
        while (src.Token != JsonTokenType.EndArray)
        {
            string name;
            if (names is null)
            {
                name = i < IndexNames.Length ? IndexNames[i] : i.ToString(CultureInfo.InvariantCulture);
            }
            else if (i < names.Count)
            {
                name = names[i];
            }
            else
            {
                src.Fail($"at most {names.Count} values (the subscription's attribute list: {string.Join(", ", names)})", $"value number {i + 1}");
                return null!;
            }

            attributes.Add(new NgsiV2Attribute(name, NgsiJson.ReadValue(ref src)));
            i++;
            src.Read();
        }

        return new NgsiV2Entity(string.Empty, string.Empty, new NgsiV2AttributeCollection(attributes));
    }
}
