namespace NgsiFlow.Ngsi;

/// <summary>An NGSI-LD VocabProperty: one or more vocabulary terms (URIs or short names).</summary>
/// <param name="name">The attribute name.</param>
/// <param name="vocab">The terms (at least one).</param>
public sealed class NgsiLdVocabProperty(string name, IReadOnlyList<string> vocab) : NgsiLdAttribute(name)
{
    /// <inheritdoc />
    public override NgsiLdAttributeKind Kind => NgsiLdAttributeKind.VocabProperty;

    /// <summary>The terms.</summary>
    public IReadOnlyList<string> Vocab { get; } = vocab ?? throw new ArgumentNullException(nameof(vocab));

    /// <inheritdoc />
    public override NgsiValue MainValue => Vocab.Count == 1
        ? NgsiValue.FromString(Vocab[0])
        : NgsiValue.FromArray([.. Vocab.Select(NgsiValue.FromString)]);
}
