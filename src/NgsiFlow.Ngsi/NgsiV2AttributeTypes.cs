namespace NgsiFlow.Ngsi;

/// <summary>The attribute types Orion knows (any other string is allowed and kept as is).</summary>
public static class NgsiV2AttributeTypes
{
    /// <summary>A number; also Orion's type for an untyped number.</summary>
    public const string Number = "Number";

    /// <summary>A string; also Orion's type for an untyped string.</summary>
    public const string Text = "Text";

    /// <summary>A boolean.</summary>
    public const string Boolean = "Boolean";

    /// <summary>An ISO 8601 date-time string (Orion validates it).</summary>
    public const string DateTime = "DateTime";

    /// <summary>A GeoJSON geometry.</summary>
    public const string GeoJson = "geo:json";

    /// <summary>A point as "lat, lon" text (Orion's simple location format).</summary>
    public const string GeoPoint = "geo:point";

    /// <summary>A line as an array of "lat, lon" strings.</summary>
    public const string GeoLine = "geo:line";

    /// <summary>A box as two "lat, lon" strings.</summary>
    public const string GeoBox = "geo:box";

    /// <summary>A polygon as an array of "lat, lon" strings.</summary>
    public const string GeoPolygon = "geo:polygon";

    /// <summary>An object or array; Orion's type for an untyped object or array.</summary>
    public const string StructuredValue = "StructuredValue";

    /// <summary>Null; Orion's type for an untyped null.</summary>
    public const string None = "None";

    /// <summary>A reference to another entity id (linked data convention).</summary>
    public const string Relationship = "Relationship";

    /// <summary>The type Orion gives an entity created without one.</summary>
    public const string DefaultEntityType = "Thing";

    /// <summary>The type Orion would give a value sent without a type.</summary>
    /// <param name="value">The value.</param>
    public static string Infer(NgsiValue value) => Internal.NgsiJson.InferV2Type(value);
}
