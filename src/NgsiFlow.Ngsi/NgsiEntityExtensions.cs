using System.Diagnostics.CodeAnalysis;
using NgsiFlow.Ngsi.Internal;

namespace NgsiFlow.Ngsi;

/// <summary>
/// Typed access to attribute values of NGSI-v2 and NGSI-LD entities, for ML and sink code.
/// <c>Get*</c> methods raise <see cref="NgsiAttributeException"/> naming the entity and attribute when the
/// attribute is missing or of the wrong kind; <c>TryGet*</c> methods return false instead.
/// </summary>
public static class NgsiEntityExtensions
{
    /// <summary>An attribute as a number (booleans read as 1 and 0).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    public static double GetNumber(this INgsiEntity entity, string attributeName)
    {
        var value = Require(entity, attributeName);
        return ToNumber(value, out var number) ? number : throw WrongKind(entity, attributeName, "is not numeric", value);
    }

    /// <summary>An attribute as a number (booleans read as 1 and 0).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="value">The number.</param>
    public static bool TryGetNumber(this INgsiEntity entity, string attributeName, out double value)
    {
        ArgumentNullException.ThrowIfNull(entity);
        value = 0;
        return entity.TryGetValue(attributeName, out var v) && ToNumber(v, out value);
    }

    /// <summary>An attribute as a string.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    public static string GetString(this INgsiEntity entity, string attributeName)
    {
        var value = Require(entity, attributeName);
        return value.TryGetString(out var s) ? s : throw WrongKind(entity, attributeName, "is not a string", value);
    }

    /// <summary>An attribute as a string.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="value">The string.</param>
    public static bool TryGetString(this INgsiEntity entity, string attributeName, [NotNullWhen(true)] out string? value)
    {
        ArgumentNullException.ThrowIfNull(entity);
        value = null;
        return entity.TryGetValue(attributeName, out var v) && v.TryGetString(out value);
    }

    /// <summary>An attribute as a boolean.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    public static bool GetBoolean(this INgsiEntity entity, string attributeName)
    {
        var value = Require(entity, attributeName);
        return value.TryGetBoolean(out var b) ? b : throw WrongKind(entity, attributeName, "is not a boolean", value);
    }

    /// <summary>An attribute as an ISO 8601 date-time.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    public static DateTimeOffset GetDateTime(this INgsiEntity entity, string attributeName)
    {
        var value = Require(entity, attributeName);
        return value.TryGetDateTime(out var d) ? d : throw WrongKind(entity, attributeName, "is not an ISO 8601 date-time", value);
    }

    /// <summary>An attribute as an ISO 8601 date-time.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="value">The instant.</param>
    public static bool TryGetDateTime(this INgsiEntity entity, string attributeName, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(entity);
        value = default;
        return entity.TryGetValue(attributeName, out var v) && v.TryGetDateTime(out value);
    }

    /// <summary>An attribute as a GeoJSON geometry (v2 <c>geo:json</c>, LD GeoProperty).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    public static GeoJsonGeometry GetGeoJson(this INgsiEntity entity, string attributeName)
    {
        var value = Require(entity, attributeName);
        return value.TryGetGeoJson(out var g) ? g : throw WrongKind(entity, attributeName, "is not a GeoJSON geometry", value);
    }

    /// <summary>An attribute as a GeoJSON geometry.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeName">The attribute.</param>
    /// <param name="geometry">The geometry.</param>
    public static bool TryGetGeoJson(this INgsiEntity entity, string attributeName, out GeoJsonGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(entity);
        geometry = default;
        return entity.TryGetValue(attributeName, out var v) && v.TryGetGeoJson(out geometry);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the numeric values of <paramref name="attributeNames"/>, in that
    /// order (never the order attributes arrived in). A missing or non-numeric attribute raises
    /// <see cref="NgsiAttributeException"/> naming it.
    /// </summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeNames">The feature order.</param>
    /// <param name="destination">At least as long as <paramref name="attributeNames"/>.</param>
    public static void FillFeatures(this INgsiEntity entity, ReadOnlySpan<string> attributeNames, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(entity);
        CheckLength(attributeNames.Length, destination.Length);
        for (var i = 0; i < attributeNames.Length; i++)
        {
            destination[i] = entity.GetNumber(attributeNames[i]);
        }
    }

    /// <summary>As <see cref="FillFeatures(INgsiEntity, ReadOnlySpan{string}, Span{double})"/>, into single precision.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="attributeNames">The feature order.</param>
    /// <param name="destination">At least as long as <paramref name="attributeNames"/>.</param>
    public static void FillFeatures(this INgsiEntity entity, ReadOnlySpan<string> attributeNames, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(entity);
        CheckLength(attributeNames.Length, destination.Length);
        for (var i = 0; i < attributeNames.Length; i++)
        {
            destination[i] = (float)entity.GetNumber(attributeNames[i]);
        }
    }

    internal static void CheckLength(int needed, int available)
    {
        if (available < needed)
        {
            throw new ArgumentException($"The destination holds {available} values but {needed} features were asked for.", nameof(available));
        }
    }

    private static bool ToNumber(NgsiValue value, out double number)
    {
        if (value.TryGetNumber(out number))
        {
            return true;
        }

        if (value.TryGetBoolean(out var b))
        {
            number = b ? 1 : 0;
            return true;
        }

        return false;
    }

    private static NgsiValue Require(INgsiEntity entity, string attributeName)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(attributeName);
        return entity.TryGetValue(attributeName, out var value)
            ? value
            : throw new NgsiAttributeException(entity.Id, attributeName, "is missing");
    }

    private static NgsiAttributeException WrongKind(INgsiEntity entity, string attributeName, string problem, NgsiValue value) =>
        new(entity.Id, attributeName, $"{problem} (found {NgsiJson.Describe(value)})");
}
