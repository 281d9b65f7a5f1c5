using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace NgsiFlow.Ngsi;

/// <summary>The attributes of an NGSI-v2 entity, in order, with lookup by name (names are unique).</summary>
public sealed class NgsiV2AttributeCollection : IReadOnlyList<NgsiV2Attribute>
{
    private readonly List<NgsiV2Attribute> _items;

    /// <summary>Creates an empty collection.</summary>
    public NgsiV2AttributeCollection()
    {
        _items = [];
    }

    /// <summary>Creates a collection from attributes (a repeated name replaces the earlier one in place).</summary>
    /// <param name="attributes">The attributes.</param>
    public NgsiV2AttributeCollection(IEnumerable<NgsiV2Attribute> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _items = [];
        foreach (var a in attributes)
        {
            Set(a);
        }
    }

    internal NgsiV2AttributeCollection(List<NgsiV2Attribute> owned)
    {
        _items = owned;
    }

    /// <summary>Number of attributes.</summary>
    public int Count => _items.Count;

    /// <summary>An attribute by position.</summary>
    /// <param name="index">Zero-based position.</param>
    public NgsiV2Attribute this[int index] => _items[index];

    /// <summary>An attribute by name; throws <see cref="KeyNotFoundException"/> when absent.</summary>
    /// <param name="name">Attribute name.</param>
    public NgsiV2Attribute this[string name] => TryGet(name, out var a) ? a : throw new KeyNotFoundException($"No attribute '{name}'.");

    /// <summary>Finds an attribute by name.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="attribute">The attribute.</param>
    public bool TryGet(string name, [NotNullWhen(true)] out NgsiV2Attribute? attribute)
    {
        var i = IndexOf(name);
        attribute = i >= 0 ? _items[i] : null;
        return attribute is not null;
    }

    /// <summary>True when an attribute has this name.</summary>
    /// <param name="name">Attribute name.</param>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Adds an attribute, or replaces the one with the same name in its position.</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns>This collection, for chaining.</returns>
    public NgsiV2AttributeCollection Set(NgsiV2Attribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var i = IndexOf(attribute.Name);
        if (i >= 0)
        {
            _items[i] = attribute;
        }
        else
        {
            _items.Add(attribute);
        }

        return this;
    }

    /// <summary>Adds or replaces an attribute from a value; a null type is inferred.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    /// <param name="type">Type, or null to infer it.</param>
    /// <returns>This collection, for chaining.</returns>
    public NgsiV2AttributeCollection Set(string name, NgsiValue value, string? type = null) => Set(new NgsiV2Attribute(name, value, type));

    /// <summary>Removes an attribute by name.</summary>
    /// <param name="name">Attribute name.</param>
    public bool Remove(string name)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        _items.RemoveAt(i);
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<NgsiV2Attribute> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string name)
    {
        var items = _items;
        for (var i = 0; i < items.Count; i++)
        {
            if (string.Equals(items[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
