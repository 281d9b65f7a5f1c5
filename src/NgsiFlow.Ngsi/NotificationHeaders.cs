using System.Collections;

namespace NgsiFlow.Ngsi;

/// <summary>
/// The HTTP (or message) headers that came with a notification, as plain name/value pairs.
/// Names are matched case-insensitively, as HTTP requires (Orion sends <c>Fiware-Servicepath</c>).
/// The Kestrel receiver, the CLI and the RabbitMQ transport all fill this same type.
/// </summary>
public sealed class NotificationHeaders : IReadOnlyList<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    /// <summary>Creates an empty set.</summary>
    public NotificationHeaders()
    {
        _pairs = [];
    }

    /// <summary>Creates a set from name/value pairs (kept in order; repeated names allowed).</summary>
    /// <param name="pairs">The headers.</param>
    public NotificationHeaders(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        _pairs = [.. pairs];
    }

    /// <summary>An empty set (do not add to it).</summary>
    public static NotificationHeaders Empty { get; } = new();

    /// <summary>Number of headers.</summary>
    public int Count => _pairs.Count;

    /// <summary>A header by position.</summary>
    /// <param name="index">Zero-based position.</param>
    public KeyValuePair<string, string> this[int index] => _pairs[index];

    /// <summary>Creates a set from tuples.</summary>
    /// <param name="pairs">Name/value tuples.</param>
    public static NotificationHeaders From(params (string Name, string Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return new NotificationHeaders(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
    }

    /// <summary>Adds a header.</summary>
    /// <param name="name">Header name.</param>
    /// <param name="value">Header value.</param>
    /// <returns>This set, for chaining.</returns>
    public NotificationHeaders Add(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (ReferenceEquals(this, Empty))
        {
            throw new InvalidOperationException("NotificationHeaders.Empty is shared; create a new NotificationHeaders to add headers.");
        }

        _pairs.Add(new(name, value));
        return this;
    }

    /// <summary>Finds the first header with this name (case-insensitive).</summary>
    /// <param name="name">Header name.</param>
    /// <param name="value">Its value, trimmed.</param>
    public bool TryGetValue(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        foreach (var p in _pairs)
        {
            if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value.AsSpan().Trim().Length == p.Value.Length ? p.Value : p.Value.Trim();
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The first header with this name (case-insensitive), or null.</summary>
    /// <param name="name">Header name.</param>
    public string? Get(string name) => TryGetValue(name, out var v) ? v : null;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
