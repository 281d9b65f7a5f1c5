using System.Text.Json;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

public static partial class NgsiLdWriter
{
    private static void WriteAttributeMembers(Utf8JsonWriter writer, IReadOnlyList<NgsiLdAttribute> attributes, NgsiLdRepresentation representation)
    {
        // Instances of one name are written together: one object, or an array of them (multi-attribute).
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            if (IndexOfName(attributes, a.Name, 0) < i)
            {
                continue;
            }

            writer.WritePropertyName(a.Name);
            if (representation == NgsiLdRepresentation.Simplified)
            {
                var main = a;
                foreach (var candidate in attributes)
                {
                    if (string.Equals(candidate.Name, a.Name, StringComparison.Ordinal) && candidate.DatasetId is null)
                    {
                        main = candidate;
                        break;
                    }
                }

                WriteSimplified(writer, main);
                continue;
            }

            var next = IndexOfName(attributes, a.Name, i + 1);
            if (next < 0)
            {
                WriteAttribute(writer, a, representation);
                continue;
            }

            writer.WriteStartArray();
            for (var j = i; j >= 0; j = IndexOfName(attributes, a.Name, j + 1))
            {
                WriteAttribute(writer, attributes[j], representation);
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// Simplified form: the bare value, except that a LanguageProperty keeps its <c>languageMap</c> and a
    /// VocabProperty its <c>vocab</c> wrapper, so that they still read back as what they are.
    /// </summary>
    private static void WriteSimplified(Utf8JsonWriter writer, NgsiLdAttribute attribute)
    {
        switch (attribute)
        {
            case NgsiLdLanguageProperty:
                writer.WriteStartObject();
                writer.WritePropertyName("languageMap"u8);
                attribute.MainValue.WriteTo(writer);
                writer.WriteEndObject();
                break;
            case NgsiLdVocabProperty:
                writer.WriteStartObject();
                writer.WritePropertyName("vocab"u8);
                attribute.MainValue.WriteTo(writer);
                writer.WriteEndObject();
                break;
            default:
                attribute.MainValue.WriteTo(writer);
                break;
        }
    }

    private static int IndexOfName(IReadOnlyList<NgsiLdAttribute> attributes, string name, int from)
    {
        for (var i = from; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool HasExtras(NgsiLdAttribute a) =>
        a.HasSubAttributes || a.DatasetId is not null || a.ObservedAt is not null || a.CreatedAt is not null || a.ModifiedAt is not null;

    private static void WriteAttribute(Utf8JsonWriter writer, NgsiLdAttribute a, NgsiLdRepresentation representation)
    {
        var concise = representation == NgsiLdRepresentation.Concise;
        if (concise && a is NgsiLdProperty p && !HasExtras(a) && p.UnitCode is null && p.Lang is null
            && p.Value.Kind is NgsiValueKind.String or NgsiValueKind.Number or NgsiValueKind.Boolean)
        {
            // Concise shortest form: a bare scalar is a Property.
            p.Value.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        switch (a)
        {
            case NgsiLdProperty prop:
                // Concise keeps the type when the value alone would read as a GeoProperty.
                if (!concise || prop.Value.TryGetGeoJson(out _))
                {
                    writer.WriteString("type"u8, "Property");
                }

                writer.WritePropertyName("value"u8);
                prop.Value.WriteTo(writer);
                if (prop.UnitCode is not null)
                {
                    writer.WriteString("unitCode"u8, prop.UnitCode);
                }

                if (prop.Lang is not null)
                {
                    writer.WriteString("lang"u8, prop.Lang);
                }

                break;
            case NgsiLdRelationship rel:
                if (!concise)
                {
                    writer.WriteString("type"u8, "Relationship");
                }

                WriteStrings(writer, "object"u8, rel.Objects);
                if (rel.ObjectType is not null)
                {
                    writer.WriteString("objectType"u8, rel.ObjectType);
                }

                break;
            case NgsiLdGeoProperty geo:
                if (!concise)
                {
                    writer.WriteString("type"u8, "GeoProperty");
                }

                writer.WritePropertyName("value"u8);
                geo.Value.WriteTo(writer);
                break;
            case NgsiLdLanguageProperty lang:
                if (!concise)
                {
                    writer.WriteString("type"u8, "LanguageProperty");
                }

                writer.WriteStartObject("languageMap"u8);
                foreach (var pair in lang.LanguageMap)
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
                break;
            case NgsiLdVocabProperty vocab:
                if (!concise)
                {
                    writer.WriteString("type"u8, "VocabProperty");
                }

                WriteStrings(writer, "vocab"u8, vocab.Vocab);
                break;
            case NgsiLdListProperty list:
                if (!concise)
                {
                    writer.WriteString("type"u8, "ListProperty");
                }

                writer.WriteStartArray("valueList"u8);
                foreach (var v in list.ValueList)
                {
                    v.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
            case NgsiLdListRelationship objects:
                if (!concise)
                {
                    writer.WriteString("type"u8, "ListRelationship");
                }

                writer.WriteStartArray("objectList"u8);
                foreach (var o in objects.ObjectList)
                {
                    writer.WriteStartObject();
                    writer.WriteString("object"u8, o);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Unknown NGSI-LD attribute class {a.GetType().Name}.", nameof(a));
        }

        if (a.DatasetId is not null)
        {
            writer.WriteString("datasetId"u8, a.DatasetId);
        }

        if (a.ObservedAt is { } observed)
        {
            writer.WriteString("observedAt"u8, NgsiDates.Format(observed));
        }

        if (a.CreatedAt is { } created)
        {
            writer.WriteString("createdAt"u8, NgsiDates.Format(created));
        }

        if (a.ModifiedAt is { } modified)
        {
            writer.WriteString("modifiedAt"u8, NgsiDates.Format(modified));
        }

        if (a.HasSubAttributes)
        {
            WriteAttributeMembers(writer, a.SubAttributes, representation);
        }

        writer.WriteEndObject();
    }
}
