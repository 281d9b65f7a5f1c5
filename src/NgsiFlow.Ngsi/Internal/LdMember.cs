using System.Text.Json;

namespace NgsiFlow.Ngsi.Internal;

/// <summary>The reserved members of an NGSI-LD attribute object; anything else is a sub-attribute.</summary>
internal enum LdMember
{
    SubAttribute,
    Type,
    Value,
    Object,
    ObservedAt,
    UnitCode,
    DatasetId,
    Lang,
    LanguageMap,
    Vocab,
    ValueList,
    ObjectList,
    ObjectType,
    CreatedAt,
    ModifiedAt,
    Ignored,
}

/// <summary>Classifies a member name with one length switch instead of a chain of comparisons.</summary>
internal static class LdMembers
{
    public static LdMember Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var name = reader.GetString()!;
            return Classify(System.Text.Encoding.UTF8.GetBytes(name));
        }

        return Classify(reader.ValueSpan);
    }

    private static LdMember Classify(ReadOnlySpan<byte> n) => n.Length switch
    {
        4 when n.SequenceEqual("type"u8) => LdMember.Type,
        4 when n.SequenceEqual("lang"u8) => LdMember.Lang,
        5 when n.SequenceEqual("value"u8) => LdMember.Value,
        5 when n.SequenceEqual("vocab"u8) => LdMember.Vocab,
        6 when n.SequenceEqual("object"u8) => LdMember.Object,
        8 when n.SequenceEqual("unitCode"u8) => LdMember.UnitCode,
        9 when n.SequenceEqual("datasetId"u8) => LdMember.DatasetId,
        9 when n.SequenceEqual("valueList"u8) => LdMember.ValueList,
        9 when n.SequenceEqual("createdAt"u8) => LdMember.CreatedAt,
        9 when n.SequenceEqual("deletedAt"u8) => LdMember.Ignored,
        10 when n.SequenceEqual("observedAt"u8) => LdMember.ObservedAt,
        10 when n.SequenceEqual("objectList"u8) => LdMember.ObjectList,
        10 when n.SequenceEqual("objectType"u8) => LdMember.ObjectType,
        10 when n.SequenceEqual("modifiedAt"u8) => LdMember.ModifiedAt,
        10 when n.SequenceEqual("instanceId"u8) => LdMember.Ignored,
        11 when n.SequenceEqual("languageMap"u8) => LdMember.LanguageMap,
        13 when n.SequenceEqual("previousValue"u8) => LdMember.Ignored,
        14 when n.SequenceEqual("previousObject"u8) => LdMember.Ignored,
        19 when n.SequenceEqual("previousLanguageMap"u8) => LdMember.Ignored,
        _ => LdMember.SubAttribute,
    };
}
