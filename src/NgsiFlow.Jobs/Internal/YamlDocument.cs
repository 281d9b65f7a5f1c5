using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace NgsiFlow.Jobs.Internal;

/// <summary>
/// A job file read as YAML (JSON is YAML too) into JSON nodes, remembering where each value and each key starts, so
/// that an error found later (by the schema or by the binder) can name its line and column.
/// </summary>
internal sealed partial class YamlDocument
{
    /// <summary>The deepest nesting a job file may have; deeper documents are refused rather than walked.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most values a job file may expand to; aliases (<c>*a</c>) repeated inside each other would grow without end.</summary>
    public const int MaxValues = 100_000;

    private int _count;
    private readonly Dictionary<string, (int Line, int Column)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Line, int Column)> _keys = new(StringComparer.Ordinal);

    private YamlDocument(string file) => File = file;

    public string File { get; }

    public JsonNode? Root { get; private set; }

    /// <summary>Reads <paramref name="text"/>; a YAML syntax error becomes a <see cref="JobFileException"/> with its position.</summary>
    public static YamlDocument Parse(string text, string file)
    {
        var document = new YamlDocument(file);
        var stream = new YamlStream();
        try
        {
            CheckDepth(text, file);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (e.Message.Contains("Duplicate key", StringComparison.Ordinal))
        {
            var key = e.Message[(e.Message.IndexOf("Duplicate key", StringComparison.Ordinal) + 13)..].Trim().TrimEnd('.');
            throw new JobFileException(new JobFileError(file, (int)e.Start.Line, (int)e.Start.Column, string.Empty, $"'{key}' appears twice in the same object"));
        }
        catch (YamlException e)
        {
            throw new JobFileException(new JobFileError(file, (int)e.Start.Line, (int)e.Start.Column, string.Empty, Clean(e)));
        }
        catch (InvalidOperationException)
        {
            // The scanner gives up this way when the text ends inside a flow collection.
            var lines = text.Split('\n').Length;
            throw new JobFileException(new JobFileError(file, lines, 1, string.Empty, "not valid YAML: the file ends inside a [...] or {...} that was never closed"));
        }

        if (stream.Documents.Count == 0)
        {
            throw new JobFileException(new JobFileError(file, 0, 0, string.Empty, "the file is empty; a job file is a YAML or JSON object (see docs/jobs.md)"));
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode.Start;
            throw new JobFileException(new JobFileError(file, (int)second.Line, (int)second.Column, string.Empty, "a job file holds one document; this is a second one ('---')"));
        }

        document.Root = document.Convert(stream.Documents[0].RootNode, string.Empty, 0);
        return document;
    }

    /// <summary>
    /// Refuses nesting deeper than <see cref="MaxDepth"/> from the parser's events, before YamlDotNet's representation
    /// model (which recurses once per level) could overflow the stack on a file of ten thousand <c>[</c>.
    /// </summary>
    private static void CheckDepth(string text, string file)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        var start = parser.Current.Start;
                        throw new JobFileException(new JobFileError(file, (int)start.Line, (int)start.Column, string.Empty, $"nested deeper than {MaxDepth} levels"));
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <summary>Where the value at <paramref name="pointer"/> starts; the closest enclosing value when it is absent.</summary>
    public (int Line, int Column) ValueAt(string pointer)
    {
        for (var p = pointer; ; p = Parent(p))
        {
            if (_values.TryGetValue(p, out var mark))
            {
                return mark;
            }

            if (p.Length == 0)
            {
                return (0, 0);
            }
        }
    }

    /// <summary>Where the key of the property at <paramref name="pointer"/> starts (its value's start for array items).</summary>
    public (int Line, int Column) KeyAt(string pointer) => _keys.TryGetValue(pointer, out var mark) ? mark : ValueAt(pointer);

    /// <summary>A JSON pointer as a field path: <c>/features/2/attribute</c> is <c>features[2].attribute</c>.</summary>
    public static string FieldOf(string pointer)
    {
        var field = new System.Text.StringBuilder();
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (segment.All(char.IsAsciiDigit))
            {
                field.Append('[').Append(segment).Append(']');
            }
            else
            {
                field.Append(field.Length > 0 ? "." : string.Empty).Append(segment);
            }
        }

        return field.ToString();
    }

    public static string Child(string pointer, string name) => pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Child(string pointer, int index) => pointer + "/" + index.ToString(CultureInfo.InvariantCulture);

    private static string Parent(string pointer)
    {
        var i = pointer.LastIndexOf('/');
        return i <= 0 ? string.Empty : pointer[..i];
    }

    private JsonNode? Convert(YamlNode node, string pointer, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error(node, pointer, $"nested deeper than {MaxDepth} levels");
        }

        if (++_count > MaxValues)
        {
            throw Error(node, pointer, $"expands to more than {MaxValues} values (aliases repeated inside each other?)");
        }

        _values[pointer] = ((int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw Error(keyNode, pointer, "a key must be plain text");
                    }

                    var child = Child(pointer, key);
                    if (obj.ContainsKey(key))
                    {
                        throw Error(keyNode, child, $"'{key}' appears twice in the same object");
                    }

                    _keys[child] = ((int)keyNode.Start.Line, (int)keyNode.Start.Column);
                    obj[key] = Convert(valueNode, child, depth + 1);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    array.Add(Convert(sequence.Children[i], Child(pointer, i), depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw Error(node, pointer, "an alias or tag NgsiFlow cannot read here");
        }
    }

    /// <summary>Plain scalars resolved as YAML 1.2's core schema does (null, booleans, numbers); quoted ones are text.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str" or "!!str"))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }

    private static string Clean(YamlException e)
    {
        // YamlDotNet prefixes its messages with the position, which the error prints already.
        var message = e.Message;
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith('(') && close > 0)
        {
            message = message[(close + 3)..];
        }

        message = e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) ? $"{message} ({inner.Message})" : message;
        return "not valid YAML: " + message.TrimEnd('.');
    }

    private JobFileException Error(YamlNode node, string pointer, string message) =>
        new(new JobFileError(File, (int)node.Start.Line, (int)node.Start.Column, FieldOf(pointer), message));

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
