using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NgsiFlow.Ngsi;

/// <summary>
/// The attributes of an NGSI-LD entity (or the sub-attributes of an attribute), in order. One name may have
/// several instances that differ by <see cref="NgsiLdAttribute.DatasetId"/> (multi-attributes).
/// </summary>
public sealed class NgsiLdAttributeCollection : IReadOnlyList<NgsiLdAttribute>
{
    private readonly List<NgsiLdAttribute> _items;

    /// <summary>Creates an empty collection.</summary>
    public NgsiLdAttributeCollection()
    {
        _items = [];
    }

    internal NgsiLdAttributeCollection(int capacity)
    {
        _items = new List<NgsiLdAttribute>(capacity);
    }

    /// <summary>Creates a collection from attribute instances.</summary>
    /// <param name="attributes">The instances.</param>
    public NgsiLdAttributeCollection(IEnumerable<NgsiLdAttribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _items = [];
        foreach (var a in attributes)
        {
            Set(a);
        }
    }

    /// <summary>Number of attribute instances.</summary>
    public int Count => _items.Count;

    /// <summary>An instance by position.</summary>
    /// <param name="index">Zero-based position.</param>
    public NgsiLdAttribute this[int index] => _items[index];

    /// <summary>The default instance of an attribute (see <see cref="TryGet(string, out NgsiLdAttribute?)"/>); throws when absent.</summary>
    /// <param name="name">Attribute name.</param>
    public NgsiLdAttribute this[string name] => TryGet(name, out var a) ? a : throw new KeyNotFoundException($"No attribute '{name}'.");

    /// <summary>Distinct attribute names, in order of first appearance.</summary>
    public IEnumerable<string> Names => _items.Select(a => a.Name).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Finds an attribute by name: the instance without a dataset id, or else the first instance.
    /// </summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="attribute">The instance.</param>
    public bool TryGet(string name, [NotNullWhen(true)] out NgsiLdAttribute? attribute)
    {
        attribute = null;
        foreach (var a in _items)
        {
            if (string.Equals(a.Name, name, StringComparison.Ordinal))
            {
                if (a.DatasetId is null)
                {
                    attribute = a;
                    return true;
                }

                attribute ??= a;
            }
        }

        return attribute is not null;
    }

    /// <summary>Finds the instance of an attribute with a dataset id (null: the default instance).</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="datasetId">Dataset id, or null for the default instance.</param>
    public NgsiLdAttribute? Get(string name, string? datasetId)
    {
        foreach (var a in _items)
        {
            if (string.Equals(a.Name, name, StringComparison.Ordinal) && string.Equals(a.DatasetId, datasetId, StringComparison.Ordinal))
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>All instances of an attribute, in order.</summary>
    /// <param name="name">Attribute name.</param>
    public IEnumerable<NgsiLdAttribute> GetAll(string name) => _items.Where(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    /// <summary>True when an attribute has this name.</summary>
    /// <param name="name">Attribute name.</param>
    public bool Contains(string name) => TryGet(name, out _);

    /// <summary>Adds an instance, or replaces the one with the same name and dataset id in its position.</summary>
    /// <param name="attribute">The instance.</param>
    /// <returns>This collection, for chaining.</returns>
    public NgsiLdAttributeCollection Set(NgsiLdAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Name, attribute.Name, StringComparison.Ordinal)
                && string.Equals(_items[i].DatasetId, attribute.DatasetId, StringComparison.Ordinal))
            {
                _items[i] = attribute;
                return this;
            }
        }

        _items.Add(attribute);
        return this;
    }

    /// <summary>Removes every instance of an attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <returns>How many instances were removed.</returns>
    public int Remove(string name) => _items.RemoveAll(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    internal void AddUnchecked(NgsiLdAttribute attribute) => _items.Add(attribute);

    /// <inheritdoc />
    public IEnumerator<NgsiLdAttribute> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
