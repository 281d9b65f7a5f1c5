using System.Globalization;
using System.Text;

namespace NgsiFlow.Client.Internal;

/// <summary>Builds a relative URL with escaped path segments and query parameters.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _text;
    private bool _hasQuery;

    public QueryBuilder(string path)
    {
        _text = new StringBuilder(path, 128);
        _hasQuery = path.Contains('?', StringComparison.Ordinal);
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public QueryBuilder Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_hasQuery ? '&' : '?').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _hasQuery = true;
        return this;
    }

    public QueryBuilder Add(string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return this;
        }

        var joined = string.Join(',', values);
        return joined.Length == 0 ? this : Add(name, joined);
    }

    public QueryBuilder Add(string name, int? value) => value is { } v ? Add(name, v.ToString(CultureInfo.InvariantCulture)) : this;

    public override string ToString() => _text.ToString();
}
