using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>
/// Reads NGSI-LD entities and notifications. One attribute reader understands normalized and concise
/// (concise is normalized without the redundant members); simplified treats every object as a value.
/// </summary>
internal static partial class LdReader
{
    private static readonly string[] NoStrings = [];

    public static bool TryParseKind(ReadOnlySpan<byte> text, out NgsiLdAttributeKind kind)
    {
        // A body sent without a compacting @context carries the expanded IRIs of the core terms.
        if (text.StartsWith("https://uri.etsi.org/ngsi-ld/"u8))
        {
            text = text["https://uri.etsi.org/ngsi-ld/".Length..];
        }

        kind = text switch
        {
            _ when text.SequenceEqual("Property"u8) => NgsiLdAttributeKind.Property,
            _ when text.SequenceEqual("Relationship"u8) => NgsiLdAttributeKind.Relationship,
            _ when text.SequenceEqual("GeoProperty"u8) => NgsiLdAttributeKind.GeoProperty,
            _ when text.SequenceEqual("LanguageProperty"u8) => NgsiLdAttributeKind.LanguageProperty,
            _ when text.SequenceEqual("VocabProperty"u8) => NgsiLdAttributeKind.VocabProperty,
            _ when text.SequenceEqual("ListProperty"u8) => NgsiLdAttributeKind.ListProperty,
            _ when text.SequenceEqual("ListRelationship"u8) => NgsiLdAttributeKind.ListRelationship,
            _ => (NgsiLdAttributeKind)(-1),
        };
        return (int)kind >= 0;
    }

    public static NgsiLdRepresentation ToRepresentation(NotificationFormat format) => format switch
    {
        NotificationFormat.LdConcise => NgsiLdRepresentation.Concise,
        NotificationFormat.LdSimplified => NgsiLdRepresentation.Simplified,
        _ => NgsiLdRepresentation.Normalized,
    };

    public static NgsiLdNotification ReadNotification(ref JsonSource src, NotificationFormat format, FiwareContext fiware, NotificationHeaders headers, bool formatGuessed)
    {
        // A guessed "normalized" rests on the first attribute only: read the rest tolerantly (concise accepts normalized).
        var representation = formatGuessed && format == NotificationFormat.LdNormalized ? NgsiLdRepresentation.Concise : ToRepresentation(format);
        src.ReadFirst("an NGSI-LD notification object");
        src.Expect(JsonTokenType.StartObject, "an NGSI-LD notification object with \"data\"");
        string? id = null;
        string? subscriptionId = null;
        DateTimeOffset? notifiedAt = null;
        NgsiValue context = default;
        var hasContext = false;
        List<NgsiLdEntity>? entities = null;
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            ref var r = ref src.Reader;
            if (r.ValueTextEquals("data"u8))
            {
                src.Read();
                src.Expect(JsonTokenType.StartArray, "a \"data\" array of entities");
                entities = new List<NgsiLdEntity>(4);
                src.Read();
                while (src.Token != JsonTokenType.EndArray)
                {
                    entities.Add(ReadEntity(ref src, representation));
                    src.Read();
                }
            }
            else if (r.ValueTextEquals("subscriptionId"u8))
            {
                subscriptionId = src.ReadString("a string subscription id");
            }
            else if (r.ValueTextEquals("id"u8))
            {
                id = src.ReadString("a string notification id");
            }
            else if (r.ValueTextEquals("notifiedAt"u8))
            {
                notifiedAt = V2Reader.ReadDate(ref src);
            }
            else if (r.ValueTextEquals("@context"u8))
            {
                src.Read();
                context = NgsiJson.ReadValue(ref src);
                hasContext = true;
            }
            else if (r.ValueTextEquals("type"u8))
            {
                src.ReadString("the string \"Notification\"");
            }
            else
            {
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

        var fromLink = false;
        if (!hasContext && TryGetLinkContext(headers, out var link))
        {
            context = link;
            fromLink = true;
        }

        return new NgsiLdNotification(format, fiware, entities)
        {
            Id = id,
            SubscriptionId = subscriptionId,
            NotifiedAt = notifiedAt,
            Context = context,
            ContextFromLinkHeader = fromLink,
        };
    }

    /// <summary>The URL of a <c>Link: &lt;url&gt;; rel="http://www.w3.org/ns/json-ld#context"</c> header.</summary>
    public static bool TryGetLinkContext(NotificationHeaders headers, out string url)
    {
        url = string.Empty;
        if (!headers.TryGetValue(NgsiHeaderNames.Link, out var link))
        {
            return false;
        }

        var open = link.IndexOf('<', StringComparison.Ordinal);
        var close = link.IndexOf('>', StringComparison.Ordinal);
        if (open < 0 || close <= open + 1)
        {
            return false;
        }

        url = link[(open + 1)..close].Trim();
        return true;
    }

    /// <summary>Reads an entity; the reader is on its StartObject and ends on its EndObject.</summary>
    public static NgsiLdEntity ReadEntity(ref JsonSource src, NgsiLdRepresentation representation)
    {
        var start = src.Reader.TokenStartIndex;
        src.Expect(JsonTokenType.StartObject, "an NGSI-LD entity object with \"id\", \"type\" and attributes");
        string? id = null;
        IReadOnlyList<string>? types = null;
        IReadOnlyList<string> scopes = NoStrings;
        NgsiValue context = default;
        DateTimeOffset? createdAt = null;
        DateTimeOffset? modifiedAt = null;
        var attributes = new NgsiLdAttributeCollection(8);
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            ref var r = ref src.Reader;
            if (!IsEntityMember(ref r))
            {
                var name = NameCache.Get(ref r);
                if (name.Length == 0)
                {
                    src.Fail("a non-empty attribute name", "an empty name");
                }

                src.Read();
                ReadAttributeInto(ref src, name, representation, attributes);
            }
            else if (r.ValueTextEquals("id"u8))
            {
                id = src.ReadName("a string entity id (URI)");
            }
            else if (r.ValueTextEquals("type"u8))
            {
                src.Read();
                types = ReadStrings(ref src, "an entity type string or an array of type strings");
                if (types.Count == 0)
                {
                    src.Fail("at least one entity type", "an empty array");
                }
            }
            else if (r.ValueTextEquals("scope"u8))
            {
                src.Read();
                scopes = ReadStrings(ref src, "a scope string or an array of scope strings");
            }
            else if (r.ValueTextEquals("@context"u8))
            {
                src.Read();
                context = NgsiJson.ReadValue(ref src);
            }
            else if (r.ValueTextEquals("createdAt"u8))
            {
                createdAt = V2Reader.ReadDate(ref src);
            }
            else if (r.ValueTextEquals("modifiedAt"u8))
            {
                modifiedAt = V2Reader.ReadDate(ref src);
            }
            else if (r.ValueTextEquals("deletedAt"u8))
            {
                V2Reader.ReadDate(ref src);
            }
            else
            {
                var name = NameCache.Get(ref r);
                if (name.Length == 0)
                {
                    src.Fail("a non-empty attribute name", "an empty name");
                }

                src.Read();
                ReadAttributeInto(ref src, name, representation, attributes);
            }

            src.Read();
        }

        if (id is null)
        {
            src.FailAt(start, "an entity with an \"id\" member (string)", "no \"id\"");
        }

        if (types is null)
        {
            src.FailAt(start, "an entity with a \"type\" member", "no \"type\"");
        }

        return new NgsiLdEntity(id, types, attributes) { Scopes = scopes, Context = context, CreatedAt = createdAt, ModifiedAt = modifiedAt };
    }

    /// <summary>Entity-level reserved members start with i, t, s, @, c, m or d and are short: a cheap pre-check.</summary>
    private static bool IsEntityMember(ref Utf8JsonReader r)
    {
        if (r.ValueIsEscaped || r.HasValueSequence)
        {
            return true;
        }

        var n = r.ValueSpan;
        return n.Length switch
        {
            2 => n.SequenceEqual("id"u8),
            4 => n.SequenceEqual("type"u8),
            5 => n.SequenceEqual("scope"u8),
            8 => n.SequenceEqual("@context"u8),
            9 => n.SequenceEqual("createdAt"u8) || n.SequenceEqual("deletedAt"u8),
            10 => n.SequenceEqual("modifiedAt"u8),
            _ => false,
        };
    }

    /// <summary>Reads an object of attributes (a PATCH body); the reader is on its StartObject.</summary>
    public static NgsiLdAttributeCollection ReadAttributes(ref JsonSource src, NgsiLdRepresentation representation)
    {
        src.Expect(JsonTokenType.StartObject, "an object of attributes");
        var attributes = new NgsiLdAttributeCollection();
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            var name = NameCache.Get(ref src.Reader);
            if (name.Length == 0)
            {
                src.Fail("a non-empty attribute name", "an empty name");
            }

            src.Read();
            if (!string.Equals(name, "@context", StringComparison.Ordinal))
            {
                ReadAttributeInto(ref src, name, representation, attributes);
            }
            else
            {
                src.Reader.Skip();
            }

            src.Read();
        }

        return attributes;
    }

    /// <summary>Reads a string or an array of strings.</summary>
    public static IReadOnlyList<string> ReadStrings(ref JsonSource src, string expected)
    {
        if (src.Token == JsonTokenType.String)
        {
            return [NameCache.Get(ref src.Reader)];
        }

        src.Expect(JsonTokenType.StartArray, expected);
        var list = new List<string>(2);
        src.Read();
        while (src.Token != JsonTokenType.EndArray)
        {
            src.Expect(JsonTokenType.String, expected);
            list.Add(NameCache.Get(ref src.Reader));
            src.Read();
        }

        return list;
    }
}
