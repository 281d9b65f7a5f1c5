namespace NgsiFlow.Ngsi;

/// <summary>The NGSI-LD attribute kinds (the <c>type</c> member of a normalized attribute).</summary>
public enum NgsiLdAttributeKind
{
    /// <summary>Property: a <c>value</c>.</summary>
    Property = 0,

    /// <summary>Relationship: an <c>object</c> (entity URI).</summary>
    Relationship,

    /// <summary>GeoProperty: a GeoJSON <c>value</c>.</summary>
    GeoProperty,

    /// <summary>LanguageProperty: a <c>languageMap</c>.</summary>
    LanguageProperty,

    /// <summary>VocabProperty: a <c>vocab</c> term.</summary>
    VocabProperty,

    /// <summary>ListProperty: a <c>valueList</c>.</summary>
    ListProperty,

    /// <summary>ListRelationship: an <c>objectList</c>.</summary>
    ListRelationship,
}
