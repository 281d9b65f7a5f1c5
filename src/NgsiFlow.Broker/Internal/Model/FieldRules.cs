using System.Globalization;
using NgsiFlow.Broker.Internal.Json;

namespace NgsiFlow.Broker.Internal.Model;

/// <summary>Orion's syntax restrictions on identifiers and values, with its error texts.</summary>
internal static class FieldRules
{
    public const int MaxLength = 256;

    /// <summary>Characters Orion forbids everywhere because they enable script injection.</summary>
    private static readonly System.Buffers.SearchValues<char> GeneralForbidden = System.Buffers.SearchValues.Create("<>\"'=;()");

    /// <summary>Validates an identifier field (entity id/type, attribute or metadata name/type).</summary>
    /// <param name="value">The field value.</param>
    /// <param name="what">Orion's wording of the field, e.g. "entity id".</param>
    public static void CheckIdentifier(string value, string what)
    {
        if (value.Length == 0)
        {
            throw OrionException.BadRequest($"{what} length: 0, min length supported: 1");
        }

        if (value.Length > MaxLength)
        {
            throw OrionException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"{what} length: {value.Length}, max length supported: {MaxLength}"));
        }

        foreach (var c in value)
        {
            if (c <= ' ' || c >= 0x7F || c is '&' or '?' or '/' or '#' || GeneralForbidden.Contains(c))
            {
                throw OrionException.BadRequest($"Invalid characters in {what}");
            }
        }
    }

    /// <summary>Strings inside attribute and metadata values may not carry Orion's forbidden characters.</summary>
    public static void CheckValue(object? value, string what)
    {
        switch (value)
        {
            case string s when s.AsSpan().ContainsAny(GeneralForbidden):
                throw OrionException.BadRequest($"Invalid characters in {what}");
            case List<object?> list:
                foreach (var item in list)
                {
                    CheckValue(item, what);
                }

                break;
            case JsonMap map:
                foreach (var pair in map)
                {
                    CheckValue(pair.Value, what);
                }

                break;
        }
    }

    /// <summary>Query parameters may not carry the forbidden characters either (outside q/mq/idPattern/typePattern).</summary>
    public static void CheckUriParam(string? value)
    {
        if (value is not null && value.AsSpan().ContainsAny(GeneralForbidden))
        {
            throw OrionException.BadRequest("invalid character in URI parameter");
        }
    }
}
