using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NgsiFlow.Engine.Records;
using NgsiFlow.Ngsi;

namespace NgsiFlow.Connector;

/// <summary>
/// The NGSI bridge of the edge pipeline: turns a record into an NGSI-v2 entity to upsert into a broker, so that device
/// data reaches the context broker and the jobs subscribed there. The id and type are templates over the record's
/// fields (<c>urn:ngsi-ld:Device:${uuid}</c>); every other field becomes an attribute typed from its value (Number,
/// Text, Boolean, DateTime, StructuredValue), except those listed in <see cref="Exclude"/> or outside
/// <see cref="Include"/>. A record that cannot make a valid entity is refused with the reason, never sent.
/// </summary>
/// <example><code>
/// var map = new RecordEntityMap("urn:ngsi-ld:Device:${uuid}", "Device") { Exclude = ["uuid"] };
/// if (map.TryMap(record, out var entity, out var error)) await replier.UpsertEntityAsync(entity, fiware, ct);
/// </code></example>
public sealed partial class RecordEntityMap
{
    private readonly Template _id;
    private readonly Template _type;

    /// <summary>A mapping.</summary>
    /// <param name="idTemplate">The entity id, with <c>${field}</c> placeholders.</param>
    /// <param name="typeTemplate">The entity type, a constant or with placeholders.</param>
    /// <exception cref="ArgumentException">A template is empty or its placeholders are not closed.</exception>
    public RecordEntityMap(string idTemplate, string typeTemplate)
    {
        _id = Template.Parse(idTemplate, "id");
        _type = Template.Parse(typeTemplate, "type");
    }

    /// <summary>The id template.</summary>
    public string IdTemplate => _id.Text;

    /// <summary>The type template.</summary>
    public string TypeTemplate => _type.Text;

    /// <summary>Only these fields become attributes (all when null).</summary>
    public IReadOnlyCollection<string>? Include { get; init; }

    /// <summary>Fields that never become attributes (the id's own field, say).</summary>
    public IReadOnlyCollection<string> Exclude { get; init; } = [];

    /// <summary>Builds the entity of <paramref name="record"/>.</summary>
    /// <param name="record">A record (flat, or with nested records as StructuredValue).</param>
    /// <param name="entity">The entity.</param>
    /// <param name="error">Why the record makes no valid entity (missing id field, forbidden characters...).</param>
    /// <returns>Whether the entity was built.</returns>
    public bool TryMap(Record record, out NgsiV2Entity entity, out string? error)
    {
        ArgumentNullException.ThrowIfNull(record);
        entity = null!;
        if (!_id.TryRender(record, out var id, out error) || !_type.TryRender(record, out var type, out error))
        {
            return false;
        }

        if (!IsNgsiName(id))
        {
            error = $"the entity id '{id}' is not a valid NGSI id (1 to 256 printable ASCII characters, none of < > \" ' = ; ( ) & ? / # or spaces)";
            return false;
        }

        if (!IsNgsiName(type))
        {
            error = $"the entity type '{type}' is not a valid NGSI type (1 to 256 printable ASCII characters, none of < > \" ' = ; ( ) & ? / # or spaces)";
            return false;
        }

        var attributes = new List<NgsiV2Attribute>();
        foreach (var (name, value) in record)
        {
            if (Exclude.Contains(name) || (Include is not null && !Include.Contains(name)) || name is "id" or "type")
            {
                continue;
            }

            if (!IsNgsiName(name))
            {
                error = $"field '{name}' cannot be an NGSI attribute name (forbidden characters or spaces); rename or exclude it";
                return false;
            }

            if (!TryValue(value, name, out var ngsi, out var attributeType, out error))
            {
                return false;
            }

            attributes.Add(new NgsiV2Attribute(name, ngsi, attributeType));
        }

        entity = new NgsiV2Entity(id, type, new NgsiV2AttributeCollection(attributes));
        return true;
    }

    private static bool TryValue(object? value, string field, out NgsiValue ngsi, out string type, out string? error)
    {
        error = null;
        (ngsi, type) = value switch
        {
            null => (NgsiValue.Null, "None"),
            string s => (NgsiValue.FromString(s), NgsiV2AttributeTypes.Text),
            bool b => (NgsiValue.FromBoolean(b), NgsiV2AttributeTypes.Boolean),
            long l => (NgsiValue.FromNumber(l), NgsiV2AttributeTypes.Number),
            double d => (NgsiValue.FromNumber(d), NgsiV2AttributeTypes.Number),
            DateTimeOffset t => (NgsiValue.FromDateTime(t), NgsiV2AttributeTypes.DateTime),
            _ => (Structured(value), NgsiV2AttributeTypes.StructuredValue),
        };

        if (HasForbiddenText(ngsi, out var text))
        {
            error = $"field '{field}': the text '{text}' holds characters a broker refuses in values (< > \" ' = ; ( ))";
            return false;
        }

        return true;
    }

    private static NgsiValue Structured(object? value) => value switch
    {
        null => NgsiValue.Null,
        string s => NgsiValue.FromString(s),
        bool b => NgsiValue.FromBoolean(b),
        long l => NgsiValue.FromNumber(l),
        double d => NgsiValue.FromNumber(d),
        DateTimeOffset t => NgsiValue.FromDateTime(t),
        Record r => NgsiValue.FromPairs(r.Select(p => new KeyValuePair<string, NgsiValue>(p.Key, Structured(p.Value)))),
        IReadOnlyList<object?> list => NgsiValue.FromArray([.. list.Select(Structured)]),
        _ => NgsiValue.FromString(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static bool HasForbiddenText(NgsiValue value, out string? text)
    {
        text = null;
        switch (value.Kind)
        {
            case NgsiValueKind.String:
                text = value.GetString();
                return text.AsSpan().IndexOfAny("<>\"'=;()") >= 0;
            case NgsiValueKind.Array:
                foreach (var item in value.Items)
                {
                    if (HasForbiddenText(item, out text))
                    {
                        return true;
                    }
                }

                return false;
            case NgsiValueKind.Object:
                foreach (var member in value.Members)
                {
                    if (HasForbiddenText(member.Value, out text))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsNgsiName(string name) =>
        name.Length is > 0 and <= 256 && name.All(c => c is > ' ' and < (char)127 && "<>\"'=;()&?/#".IndexOf(c, StringComparison.Ordinal) < 0);

    [GeneratedRegex(@"\$\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private sealed class Template
    {
        private readonly string[] _fields;

        private Template(string text, string[] fields)
        {
            Text = text;
            _fields = fields;
        }

        public string Text { get; }

        public static Template Parse(string text, string what)
        {
            ArgumentException.ThrowIfNullOrEmpty(text, what);
            var fields = Placeholder().Matches(text).Select(m => m.Groups[1].Value).ToArray();
            if (fields.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException($"the {what} template '{text}' has an empty placeholder; write ${{field}}", what);
            }

            if (Placeholder().Replace(text, string.Empty).Contains("${", StringComparison.Ordinal))
            {
                throw new ArgumentException($"the {what} template '{text}' opens a placeholder '${{' that it never closes", what);
            }

            return new Template(text, fields);
        }

        public bool TryRender(Record record, out string rendered, out string? error)
        {
            error = null;
            rendered = Text;
            if (_fields.Length == 0)
            {
                return true;
            }

            var builder = new StringBuilder(Text.Length + 16);
            var last = 0;
            foreach (Match match in Placeholder().Matches(Text))
            {
                builder.Append(Text, last, match.Index - last);
                var field = match.Groups[1].Value;
                var value = record[field];
                switch (value)
                {
                    case null:
                        error = $"field '{field}' (in '{Text}') is missing or null";
                        return false;
                    case string s:
                        builder.Append(s);
                        break;
                    case long or double or bool:
                        builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture)?.ToLowerInvariant());
                        break;
                    case DateTimeOffset t:
                        builder.Append(t.ToString("O", CultureInfo.InvariantCulture));
                        break;
                    default:
                        error = $"field '{field}' (in '{Text}') is an object or a list, not text";
                        return false;
                }

                last = match.Index + match.Length;
            }

            builder.Append(Text, last, Text.Length - last);
            rendered = builder.ToString();
            return true;
        }
    }
}
