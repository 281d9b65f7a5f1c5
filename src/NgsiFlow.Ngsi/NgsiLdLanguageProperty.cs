namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD LanguageProperty: one string per language tag.</summary>
/// <param name="name">The attribute name.</param>
/// <param name="languageMap">Language tag to text, in order (e.g. <c>en</c>, <c>es</c>, <c>@none</c>).</param>
public sealed class NgsiLdLanguageProperty(string name, IReadOnlyList<KeyValuePair<string, string>> languageMap) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.LanguageProperty;

    /// <summary>Language tag to text, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LanguageMap { get; } = languageMap ?? throw new ArgumentNullException(nameof(languageMap));

    /// <summary>The text for a language tag (exact match), or null.</summary>
    /// <param name="language">The tag, e.g. <c>en</c>.</param>
    public string? GetText(string language)
    {
        foreach (var p in LanguageMap)
        {
            if (string.Equals(p.Key, language, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override NgsiValue MainValue => NgsiValue.FromObject([.. LanguageMap.Select(p => new NgsiMember(p.Key, p.Value))]);
}
