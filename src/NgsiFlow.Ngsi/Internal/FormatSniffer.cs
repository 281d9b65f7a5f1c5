using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>
/// Decides the notification format when the caller did not say: first the broker's format headers, then a
/// short look at the envelope and the first attribute of the first entity (it stops as soon as it knows).
/// </summary>
internal static class FormatSniffer
{
    private enum Guess
    {
        NoAttributes,
        Ambiguous,
        AmbiguousScalar,
        V2Normalized,
        V2NormalizedUntyped,
        V2Values,
        LdNormalized,
        LdConcise,
    }

    public static NotificationFormat FromHeaders(NotificationHeaders headers)
    {
        if (headers.Count == 0)
        {
            return NotificationFormat.Auto;
        }

        if (headers.TryGetValue(NgsiHeaderNames.Ngsiv2AttrsFormat, out var v2))
        {
            var format = Is(v2, "normalized") ? NotificationFormat.V2Normalized
                : Is(v2, "keyValues") ? NotificationFormat.V2KeyValues
                : Is(v2, "values") ? NotificationFormat.V2Values
                : Is(v2, "simplifiedNormalized") ? NotificationFormat.V2SimplifiedNormalized
                : Is(v2, "simplifiedKeyValues") ? NotificationFormat.V2SimplifiedKeyValues
                : Is(v2, "custom") ? NotificationFormat.V2Custom
                : NotificationFormat.Auto;
            if (format != NotificationFormat.Auto)
            {
                return format;
            }
        }

        if (headers.TryGetValue(NgsiHeaderNames.NgsiLdAttributeFormat, out var ld))
        {
            return Is(ld, "Normalized") ? NotificationFormat.LdNormalized
                : Is(ld, "Concise") ? NotificationFormat.LdConcise
                : Is(ld, "Simplified") || Is(ld, "keyValues") ? NotificationFormat.LdSimplified
                : NotificationFormat.Auto;
        }

        return NotificationFormat.Auto;
    }

    private static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>NGSI-LD-only headers: NGSILD-Tenant, a JSON-LD Link, an ld+json content type.</summary>
    public static bool HeadersSayLd(NotificationHeaders headers) =>
        headers.TryGetValue(NgsiHeaderNames.NgsiLdTenant, out _)
        || (headers.TryGetValue(NgsiHeaderNames.Link, out var link) && link.Contains("json-ld#context", StringComparison.OrdinalIgnoreCase))
        || (headers.TryGetValue(NgsiHeaderNames.ContentType, out var ct) && ct.Contains("ld+json", StringComparison.OrdinalIgnoreCase));

    public static NotificationFormat FromBody(ReadOnlySpan<byte> body, bool ldHeaders)
    {
        try
        {
            return Sniff(body, ldHeaders);
        }
        catch (JsonException)
        {
            // Malformed JSON: the real parser reports it with its path.
            return ldHeaders ? NotificationFormat.LdNormalized : NotificationFormat.V2Normalized;
        }
        catch (InvalidOperationException)
        {
            return ldHeaders ? NotificationFormat.LdNormalized : NotificationFormat.V2Normalized;
        }
    }

    private static NotificationFormat Sniff(ReadOnlySpan<byte> body, bool ldHeaders)
    {
        var r = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
        {
            return ldHeaders ? NotificationFormat.LdNormalized : NotificationFormat.V2Normalized;
        }

        var ld = ldHeaders;
        var guess = Guess.Ambiguous;
        var hasData = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("data"u8))
            {
                hasData = true;
                r.Read();
                if (r.TokenType == JsonTokenType.StartArray && r.Read())
                {
                    // Entities without attributes say nothing: look at the next one (a few at most).
                    for (var tries = 0; tries < 16; tries++)
                    {
                        guess = r.TokenType switch
                        {
                            JsonTokenType.StartArray => Guess.V2Values,
                            JsonTokenType.StartObject => ClassifyEntity(ref r),
                            _ => Guess.Ambiguous,
                        };
                        if (guess != Guess.NoAttributes || !r.Read())
                        {
                            break;
                        }
                    }
                }

                break;
            }

            if (IsLdEnvelopeMember(ref r))
            {
                ld = true;
            }

            r.Read();
            r.Skip();
        }

        if (!hasData)
        {
            // No envelope: one entity, Orion's simplified formats.
            var entity = new Utf8JsonReader(body);
            entity.Read();
            return ClassifyEntity(ref entity) is Guess.V2Normalized or Guess.V2NormalizedUntyped
                ? NotificationFormat.V2SimplifiedNormalized
                : NotificationFormat.V2SimplifiedKeyValues;
        }

        switch (guess)
        {
            case Guess.V2Values: return NotificationFormat.V2Values;
            case Guess.LdNormalized: return NotificationFormat.LdNormalized;
            case Guess.LdConcise: return NotificationFormat.LdConcise;
            case Guess.V2Normalized when !ld: return NotificationFormat.V2Normalized;
            default: break;
        }

        ld = ld || EnvelopeIsLd(body);
        return guess switch
        {
            Guess.AmbiguousScalar => ld ? NotificationFormat.LdSimplified : NotificationFormat.V2KeyValues,
            Guess.V2Normalized or Guess.V2NormalizedUntyped => ld ? NotificationFormat.LdConcise : NotificationFormat.V2Normalized,
            _ => ld ? NotificationFormat.LdConcise : NotificationFormat.V2KeyValues,
        };
    }

    private static bool IsLdEnvelopeMember(ref Utf8JsonReader r) =>
        r.ValueTextEquals("@context"u8) || r.ValueTextEquals("notifiedAt"u8) || r.ValueTextEquals("id"u8) || r.ValueTextEquals("type"u8);

    private static bool EnvelopeIsLd(ReadOnlySpan<byte> body)
    {
        var r = new Utf8JsonReader(body);
        r.Read();
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (IsLdEnvelopeMember(ref r))
            {
                return true;
            }

            r.Read();
            r.Skip();
        }

        return false;
    }

    /// <summary>Looks at the first attribute of the entity whose StartObject the reader is on.</summary>
    private static Guess ClassifyEntity(ref Utf8JsonReader r)
    {
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8) || r.ValueTextEquals("type"u8) || r.ValueTextEquals("@context"u8) || r.ValueTextEquals("scope"u8)
                || r.ValueTextEquals("createdAt"u8) || r.ValueTextEquals("modifiedAt"u8))
            {
                r.Read();
                r.Skip();
                continue;
            }

            r.Read();
            if (r.TokenType == JsonTokenType.StartObject)
            {
                return ClassifyAttribute(ref r);
            }

            if (r.TokenType == JsonTokenType.StartArray && r.Read() && r.TokenType == JsonTokenType.StartObject)
            {
                var inner = ClassifyAttribute(ref r);
                return inner is Guess.LdNormalized or Guess.LdConcise ? inner : Guess.Ambiguous;
            }

            return Guess.AmbiguousScalar;
        }

        return Guess.NoAttributes;
    }

    private static Guess ClassifyAttribute(ref Utf8JsonReader r)
    {
        var onlyV2Members = true;
        var hasType = false;
        var hasValue = false;
        var ldMembers = false;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("type"u8))
            {
                r.Read();
                if (r.TokenType == JsonTokenType.String && LdReader.TryParseKind(r.ValueSpan, out _))
                {
                    return Guess.LdNormalized;
                }

                hasType = true;
                r.Skip();
                continue;
            }

            if (r.ValueTextEquals("value"u8))
            {
                hasValue = true;
            }
            else if (!r.ValueTextEquals("metadata"u8))
            {
                onlyV2Members = false;
                ldMembers |= r.ValueTextEquals("object"u8) || r.ValueTextEquals("languageMap"u8) || r.ValueTextEquals("vocab"u8)
                    || r.ValueTextEquals("valueList"u8) || r.ValueTextEquals("objectList"u8) || r.ValueTextEquals("lang"u8)
                    || r.ValueTextEquals("observedAt"u8) || r.ValueTextEquals("unitCode"u8) || r.ValueTextEquals("datasetId"u8);
            }

            r.Read();
            r.Skip();
        }

        if (ldMembers)
        {
            return Guess.LdConcise;
        }

        if (onlyV2Members && (hasType || hasValue))
        {
            return hasType ? Guess.V2Normalized : Guess.V2NormalizedUntyped;
        }

        return Guess.Ambiguous;
    }
}
