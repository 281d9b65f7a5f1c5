using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

internal static partial class LdReader
{
    private const string NoLanguage = "@none";

    /// <summary>Reads one attribute (object, bare value, or array of instances) into <paramref name="target"/>.</summary>
    public static void ReadAttributeInto(ref JsonSource src, string name, NgsiLdRepresentation representation, NgsiLdAttributeCollection target)
    {
        switch (src.Token)
        {
            case JsonTokenType.StartObject when representation != NgsiLdRepresentation.Simplified:
                target.AddUnchecked(ReadAttributeObject(ref src, name, representation));
                return;
            case JsonTokenType.StartArray when representation != NgsiLdRepresentation.Simplified && NextIsObject(ref src):
                // Multi-attribute: one object per instance (datasetId).
                src.Read();
                while (src.Token != JsonTokenType.EndArray)
                {
                    src.Expect(JsonTokenType.StartObject, "an attribute instance object (multi-attribute array)");
                    target.AddUnchecked(ReadAttributeObject(ref src, name, representation));
                    src.Read();
                }

                return;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                target.AddUnchecked(FromBareValue(name, NgsiJson.ReadValue(ref src)));
                return;
            default:
                if (representation == NgsiLdRepresentation.Normalized)
                {
                    src.Fail("an attribute object with a \"type\" (normalized format)");
                }

                target.AddUnchecked(new NgsiLdProperty(name, NgsiJson.ReadValue(ref src)));
                return;
        }
    }

    private static bool NextIsObject(ref JsonSource src)
    {
        var peek = src.Reader;
        return peek.Read() && peek.TokenType == JsonTokenType.StartObject;
    }

    private static NgsiLdAttribute FromBareValue(string name, NgsiValue value)
    {
        if (value.TryGetGeoJson(out var geometry))
        {
            return new NgsiLdGeoProperty(name, geometry);
        }

        // Simplified LanguageProperty and VocabProperty keep a one-member wrapper object.
        if (value.Kind == NgsiValueKind.Object && value.Count == 1)
        {
            var only = value.Members[0];
            if (string.Equals(only.Name, "languageMap", StringComparison.Ordinal) && only.Value.Kind == NgsiValueKind.Object
                && AllStrings(only.Value, out var map))
            {
                return new NgsiLdLanguageProperty(name, map);
            }

            if (string.Equals(only.Name, "vocab", StringComparison.Ordinal) && TryGetStrings(only.Value, out var vocab))
            {
                return new NgsiLdVocabProperty(name, vocab);
            }
        }

        return new NgsiLdProperty(name, value);
    }

    private static bool AllStrings(NgsiValue map, out List<KeyValuePair<string, string>> pairs)
    {
        pairs = new List<KeyValuePair<string, string>>(map.Count);
        foreach (var m in map.Members)
        {
            if (!m.Value.TryGetString(out var text))
            {
                return false;
            }

            pairs.Add(new(m.Name, text));
        }

        return true;
    }

    private static bool TryGetStrings(NgsiValue value, out IReadOnlyList<string> strings)
    {
        if (value.TryGetString(out var single))
        {
            strings = [single];
            return true;
        }

        var list = new List<string>(value.Count);
        strings = list;
        if (value.Kind != NgsiValueKind.Array || value.Count == 0)
        {
            return false;
        }

        foreach (var item in value.Items)
        {
            if (!item.TryGetString(out var text))
            {
                return false;
            }

            list.Add(text);
        }

        return true;
    }

    /// <summary>Reads a normalized or concise attribute object; the reader is on its StartObject.</summary>
    private static NgsiLdAttribute ReadAttributeObject(ref JsonSource src, string name, NgsiLdRepresentation representation)
    {
        // Only concise input can need a second look at the object; normalized input never rewinds.
        var saved = representation == NgsiLdRepresentation.Normalized ? default : src.Reader;
        var start = src.Reader.TokenStartIndex;
        NgsiLdAttributeKind? kind = null;
        NgsiValue value = default;
        var hasValue = false;
        long valueOffset = start;
        IReadOnlyList<string>? objects = null;
        string? objectType = null;
        List<KeyValuePair<string, string>>? languageMap = null;
        IReadOnlyList<string>? vocab = null;
        List<NgsiValue>? valueList = null;
        List<string>? objectList = null;
        string? unitCode = null;
        string? datasetId = null;
        string? lang = null;
        DateTimeOffset? observedAt = null;
        DateTimeOffset? createdAt = null;
        DateTimeOffset? modifiedAt = null;
        NgsiLdAttributeCollection? subAttributes = null;
        var subRepresentation = representation;

        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            switch (LdMembers.Classify(ref src.Reader))
            {
                case LdMember.Type:
                    src.Read();
                    if (src.Token == JsonTokenType.String && TryParseKind(src.Reader.ValueSpan, out var k))
                    {
                        kind = k;
                    }
                    else if (representation == NgsiLdRepresentation.Normalized)
                    {
                        src.Fail("an attribute type: Property, Relationship, GeoProperty, LanguageProperty, VocabProperty, ListProperty or ListRelationship",
                            src.Token == JsonTokenType.String ? "'" + src.Reader.GetString() + "'" : src.DescribeToken());
                    }
                    else
                    {
                        // Concise: an object whose "type" is not an attribute kind is a value (GeoJSON, or any JSON object).
                        src.Reader = saved;
                        return FromBareValue(name, NgsiJson.ReadValue(ref src));
                    }

                    break;
                case LdMember.Value:
                    src.Read();
                    valueOffset = src.Reader.TokenStartIndex;
                    value = NgsiJson.ReadValue(ref src);
                    hasValue = true;
                    break;
                case LdMember.Object:
                    src.Read();
                    objects = ReadStrings(ref src, "an entity URI string (or an array of them) for \"object\"");
                    break;
                case LdMember.ObservedAt:
                    observedAt = V2Reader.ReadDate(ref src);
                    break;
                case LdMember.UnitCode:
                    unitCode = src.ReadName("a unit code string");
                    break;
                case LdMember.DatasetId:
                    datasetId = src.ReadName("a dataset id URI string");
                    break;
                case LdMember.Lang:
                    lang = src.ReadName("a language tag string");
                    break;
                case LdMember.LanguageMap:
                    src.Read();
                    languageMap = ReadLanguageMap(ref src);
                    break;
                case LdMember.Vocab:
                    src.Read();
                    vocab = ReadStrings(ref src, "a vocabulary term string (or an array of them) for \"vocab\"");
                    break;
                case LdMember.ValueList:
                    src.Read();
                    valueList = ReadValueList(ref src);
                    break;
                case LdMember.ObjectList:
                    src.Read();
                    objectList = ReadObjectList(ref src);
                    break;
                case LdMember.ObjectType:
                    src.Read();
                    objectType = ReadStrings(ref src, "an entity type string for \"objectType\"")[0];
                    break;
                case LdMember.CreatedAt:
                    createdAt = V2Reader.ReadDate(ref src);
                    break;
                case LdMember.ModifiedAt:
                    modifiedAt = V2Reader.ReadDate(ref src);
                    break;
                case LdMember.Ignored:
                    src.Read();
                    src.Reader.Skip();
                    break;
                default:
                    var subName = NameCache.Get(ref src.Reader);
                    src.Read();
                    subAttributes ??= new NgsiLdAttributeCollection(4);
                    ReadAttributeInto(ref src, subName, subRepresentation, subAttributes);
                    break;
            }

            src.Read();
        }

        kind ??= objects is not null ? NgsiLdAttributeKind.Relationship
            : languageMap is not null ? NgsiLdAttributeKind.LanguageProperty
            : vocab is not null ? NgsiLdAttributeKind.VocabProperty
            : valueList is not null ? NgsiLdAttributeKind.ListProperty
            : objectList is not null ? NgsiLdAttributeKind.ListRelationship
            : hasValue ? (value.TryGetGeoJson(out _) ? NgsiLdAttributeKind.GeoProperty : NgsiLdAttributeKind.Property)
            : null;

        if (kind is null)
        {
            if (representation == NgsiLdRepresentation.Normalized)
            {
                src.FailAt(start, "an attribute with a \"type\" (normalized format)", "none");
            }

            // Concise: an object with none of the attribute members is a plain JSON object value.
            src.Reader = saved;
            return FromBareValue(name, NgsiJson.ReadValue(ref src));
        }

        NgsiLdAttribute attribute;
        switch (kind.Value)
        {
            case NgsiLdAttributeKind.Property:
                if (!hasValue)
                {
                    src.FailAt(start, "a \"value\" member for a Property", "none");
                }

                attribute = new NgsiLdProperty(name, value)
                {
                    UnitCode = unitCode,
                    Lang = lang is null || string.Equals(lang, NoLanguage, StringComparison.Ordinal) ? null : lang,
                };
                break;
            case NgsiLdAttributeKind.Relationship:
                if (objects is null || objects.Count == 0)
                {
                    src.FailAt(start, "an \"object\" member (entity URI) for a Relationship", "none");
                }

                attribute = new NgsiLdRelationship(name, objects) { ObjectType = objectType };
                break;
            case NgsiLdAttributeKind.GeoProperty:
                if (!value.TryGetGeoJson(out var geometry))
                {
                    src.FailAt(valueOffset, "a GeoJSON geometry (object with \"type\" and \"coordinates\") as GeoProperty value", hasValue ? NgsiJson.Describe(value) : "none");
                }

                attribute = new NgsiLdGeoProperty(name, geometry);
                break;
            case NgsiLdAttributeKind.LanguageProperty:
                if (languageMap is null)
                {
                    src.FailAt(start, "a \"languageMap\" member for a LanguageProperty", "none");
                }

                attribute = new NgsiLdLanguageProperty(name, languageMap);
                break;
            case NgsiLdAttributeKind.VocabProperty:
                if (vocab is null || vocab.Count == 0)
                {
                    src.FailAt(start, "a \"vocab\" member for a VocabProperty", "none");
                }

                attribute = new NgsiLdVocabProperty(name, vocab);
                break;
            case NgsiLdAttributeKind.ListProperty:
                if (valueList is null)
                {
                    src.FailAt(start, "a \"valueList\" member for a ListProperty", "none");
                }

                attribute = new NgsiLdListProperty(name, valueList);
                break;
            default:
                if (objectList is null)
                {
                    src.FailAt(start, "an \"objectList\" member for a ListRelationship", "none");
                }

                attribute = new NgsiLdListRelationship(name, objectList);
                break;
        }

        attribute.SetCommon(datasetId, observedAt, createdAt, modifiedAt, subAttributes);
        return attribute;
    }

    private static List<KeyValuePair<string, string>> ReadLanguageMap(ref JsonSource src)
    {
        src.Expect(JsonTokenType.StartObject, "a \"languageMap\" object of language tag to string");
        var map = new List<KeyValuePair<string, string>>(2);
        src.Read();
        while (src.Token != JsonTokenType.EndObject)
        {
            var tag = NameCache.Get(ref src.Reader);
            var text = src.ReadString("a string for language '" + tag + "'");
            map.Add(new(tag, text));
            src.Read();
        }

        return map;
    }

    private static List<NgsiValue> ReadValueList(ref JsonSource src)
    {
        src.Expect(JsonTokenType.StartArray, "a \"valueList\" array");
        var list = new List<NgsiValue>(4);
        src.Read();
        while (src.Token != JsonTokenType.EndArray)
        {
            list.Add(NgsiJson.ReadValue(ref src));
            src.Read();
        }

        return list;
    }

    private static List<string> ReadObjectList(ref JsonSource src)
    {
        src.Expect(JsonTokenType.StartArray, "an \"objectList\" array of entity URIs");
        var list = new List<string>(4);
        src.Read();
        while (src.Token != JsonTokenType.EndArray)
        {
            if (src.Token == JsonTokenType.StartObject)
            {
                // NGSI-LD 1.8 writes each item as {"object": "urn:..."}.
                string? item = null;
                src.Read();
                while (src.Token != JsonTokenType.EndObject)
                {
                    if (src.Reader.ValueTextEquals("object"u8))
                    {
                        item = src.ReadName("an entity URI string");
                    }
                    else
                    {
                        src.Read();
                        src.Reader.Skip();
                    }

                    src.Read();
                }

                if (item is null)
                {
                    src.Fail("an \"object\" member in an objectList item", "none");
                }

                list.Add(item);
            }
            else
            {
                src.Expect(JsonTokenType.String, "an entity URI string in \"objectList\"");
                list.Add(NameCache.Get(ref src.Reader));
            }

            src.Read();
        }

        return list;
    }
}
