using System.Globalization;
using System.Text.RegularExpressions;

namespace NgsiFlow.Engine.Records;

/// <summary>
/// A test on a record, written as Orion's <c>q</c> is: statements joined by <c>;</c> (all must hold), each
/// <c>field</c> (present), <c>!field</c> (absent), or <c>field op value</c> with <c>==</c> <c>!=</c> <c>&gt;</c>
/// <c>&gt;=</c> <c>&lt;</c> <c>&lt;=</c> <c>~=</c> (regular expression). A value is a number, <c>true</c>/<c>false</c>,
/// text (quoted with <c>'</c> when it holds separators), a list <c>a,b,c</c> (equal to any) or a range <c>1..9</c>.
/// <c>a.b</c> reaches into nested records. Examples: <c>cputemp&gt;70</c>, <c>uuid==dev-1,dev-2;memory&lt;90</c>.
/// </summary>
public sealed partial class RecordCondition
{
    private readonly Statement[] _statements;

    private RecordCondition(string text, Statement[] statements)
    {
        Text = text;
        _statements = statements;
    }

    /// <summary>The condition as written.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The condition.</param>
    /// <exception cref="FormatException">The text is not a condition; the message names the statement and what is wrong.</exception>
    public static RecordCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException("a condition needs at least one statement, such as cputemp>70");
        }

        var statements = new List<Statement>();
        foreach (var raw in SplitOutsideQuotes(text, ';'))
        {
            var statement = raw.Trim();
            if (statement.Length == 0)
            {
                throw new FormatException($"'{text}' has an empty statement (two ';' in a row, or one at an end)");
            }

            statements.Add(ParseStatement(statement));
        }

        return new RecordCondition(text, [.. statements]);
    }

    /// <summary>Whether <paramref name="record"/> satisfies every statement.</summary>
    /// <param name="record">The record.</param>
    public bool Matches(Record record)
    {
        ArgumentNullException.ThrowIfNull(record);
        foreach (var statement in _statements)
        {
            if (!statement.Holds(record))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static Statement ParseStatement(string statement)
    {
        var match = StatementPattern().Match(statement);
        if (!match.Success)
        {
            if (statement.StartsWith('!') && FieldPattern().IsMatch(statement[1..]))
            {
                return new Statement(Path(statement[1..]), "!", []);
            }

            if (FieldPattern().IsMatch(statement))
            {
                return new Statement(Path(statement), "exists", []);
            }

            throw new FormatException($"'{statement}' is not a statement: write field, !field, or field op value with op one of == != > >= < <= ~=");
        }

        var path = Path(match.Groups["field"].Value);
        var op = match.Groups["op"].Value;
        var valueText = match.Groups["value"].Value.Trim();
        if (valueText.Length == 0)
        {
            throw new FormatException($"'{statement}' has no value after '{op}'");
        }

        if (op == "~=")
        {
            try
            {
                return new Statement(path, op, [], new Regex(Unquote(valueText), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"'{statement}': '{valueText}' is not a regular expression: {e.Message}", e);
            }
        }

        if (valueText.Contains("..", StringComparison.Ordinal) && !valueText.StartsWith('\'') && op is "==" or "!=")
        {
            var bounds = valueText.Split("..");
            if (bounds.Length != 2 || bounds[0].Length == 0 || bounds[1].Length == 0)
            {
                throw new FormatException($"'{statement}': a range is written low..high");
            }

            return new Statement(path, op, [Literal(bounds[0]), Literal(bounds[1])], Range: true);
        }

        var values = SplitOutsideQuotes(valueText, ',').Select(v => Literal(v.Trim())).ToArray();
        if (values.Length > 1 && op is not ("==" or "!="))
        {
            throw new FormatException($"'{statement}': a list of values goes with == or != only");
        }

        return new Statement(path, op, values);
    }

    private static string[] Path(string field) => field.Split('.');

    private static object Literal(string text)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1];
        }

        if (text is "true" or "false")
        {
            return text == "true";
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number : text;
    }

    private static string Unquote(string text) => text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? text[1..^1] : text;

    private static IEnumerable<string> SplitOutsideQuotes(string text, char separator)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        if (quoted)
        {
            throw new FormatException($"'{text}' opens a quote (') that it never closes");
        }

        yield return text[start..];
    }

    [GeneratedRegex(@"^(?<field>[^!=<>~;'\s]+)\s*(?<op>==|!=|>=|<=|~=|>|<)(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex StatementPattern();

    [GeneratedRegex(@"^[^!=<>~;'\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldPattern();

    private sealed record Statement(string[] Path, string Op, object[] Values, Regex? Pattern = null, bool Range = false)
    {
        public bool Holds(Record record)
        {
            var found = Find(record, out var value);
            switch (Op)
            {
                case "exists":
                    return found;
                case "!":
                    return !found;
            }

            if (!found || value is null)
            {
                return Op == "!=";
            }

            if (Pattern is not null)
            {
                try
                {
                    return value is string s && Pattern.IsMatch(s);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }
            }

            if (Range)
            {
                var inside = Compare(value, Values[0]) is >= 0 && Compare(value, Values[1]) is <= 0;
                return Op == "==" ? inside : !inside;
            }

            if (Op is "==" or "!=")
            {
                var equal = Values.Any(v => Compare(value, v) == 0);
                return Op == "==" ? equal : !equal;
            }

            return Compare(value, Values[0]) switch
            {
                null => false,
                var c => Op switch { ">" => c > 0, ">=" => c >= 0, "<" => c < 0, _ => c <= 0 },
            };
        }

        private bool Find(Record record, out object? value)
        {
            value = null;
            var current = record;
            for (var i = 0; i < Path.Length; i++)
            {
                if (!current.TryGetValue(Path[i], out value))
                {
                    // A flattened record holds a.b as one name: try the rest of the path joined.
                    return i < Path.Length - 1 && current.TryGetValue(string.Join('.', Path[i..]), out value);
                }

                if (i < Path.Length - 1)
                {
                    if (value is not Record nested)
                    {
                        return false;
                    }

                    current = nested;
                }
            }

            return true;
        }

        /// <summary>Compares a record value with a literal; null when they are of kinds that do not compare.</summary>
        private static int? Compare(object value, object literal) => (value, literal) switch
        {
            (long l, double d) => ((double)l).CompareTo(d),
            (double v, double d) => v.CompareTo(d),
            (bool b, bool c) => b.CompareTo(c),
            (string s, string t) => string.CompareOrdinal(s, t),
            (string s, double d) => d.ToString(CultureInfo.InvariantCulture) == s ? 0 : null,
            (string s, bool c) => s == (c ? "true" : "false") ? 0 : null,
            (DateTimeOffset t, string text) when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var other) => t.CompareTo(other),
            (DateTimeOffset t, double unix) => t.ToUnixTimeMilliseconds().CompareTo((long)(unix * 1000)),
            (long l, string text) => l.ToString(CultureInfo.InvariantCulture) == text ? 0 : null,
            (double v, string text) => v.ToString(CultureInfo.InvariantCulture) == text ? 0 : null,
            _ => null,
        };
    }
}
