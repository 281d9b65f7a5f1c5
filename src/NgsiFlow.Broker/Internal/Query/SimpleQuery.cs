using System.Globalization;
using System.Text.RegularExpressions;
using NgsiFlow.Broker.Internal.Json;
using NgsiFlow.Broker.Internal.Model;

namespace NgsiFlow.Broker.Internal.Query;

/// <summary>
/// Orion's Simple Query Language for <c>q</c> (attribute values) and <c>mq</c> (metadata values):
/// statements joined by ';', each unary (<c>a</c>, <c>!a</c>) or binary (== : != &lt; &gt; &lt;= &gt;= ~=) with
/// lists, ranges, quoted strings, numbers, booleans and ISO 8601 dates.
/// </summary>
internal sealed class SimpleQuery
{
    private readonly List<Statement> _statements;
    private readonly bool _metadata;

    private SimpleQuery(List<Statement> statements, bool metadata)
    {
        _statements = statements;
        _metadata = metadata;
    }

    public string Text { get; private init; } = string.Empty;

    private enum Op
    {
        Exists,
        NotExists,
        Equal,
        NotEqual,
        Greater,
        GreaterOrEqual,
        Less,
        LessOrEqual,
        Match,
    }

    public static SimpleQuery? ParseOrNull(string? text, bool metadata) => string.IsNullOrEmpty(text) ? null : Parse(text, metadata);

    public static SimpleQuery Parse(string text, bool metadata)
    {
        var statements = new List<Statement>();
        foreach (var raw in SplitOutsideQuotes(text, ';'))
        {
            var item = raw.Trim();
            if (item.Length == 0)
            {
                continue;
            }

            statements.Add(ParseStatement(item, metadata));
        }

        if (statements.Count == 0)
        {
            throw OrionException.BadRequest("empty q-item");
        }

        return new SimpleQuery(statements, metadata) { Text = text };
    }

    /// <summary>Whether the entity matches every statement. The caller holds the entity's lock.</summary>
    public bool Matches(Entity entity)
    {
        foreach (var statement in _statements)
        {
            if (!statement.Matches(entity, _metadata))
            {
                return false;
            }
        }

        return true;
    }

    private static Statement ParseStatement(string item, bool metadata)
    {
        var (opIndex, opLength, op) = FindOperator(item);
        if (opIndex < 0)
        {
            var negated = item.StartsWith('!');
            var path = ParsePath(negated ? item[1..] : item, metadata);
            return new Statement(path, negated ? Op.NotExists : Op.Exists, [], null, null, null);
        }

        var pathText = item[..opIndex].Trim();
        var rhs = item[(opIndex + opLength)..].Trim();
        var parsedPath = ParsePath(pathText, metadata);
        if (rhs.Length == 0)
        {
            throw OrionException.BadRequest("empty right-hand-side in q-item");
        }

        if (op == Op.Match)
        {
            Regex regex;
            try
            {
                regex = new Regex(rhs, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException)
            {
                throw OrionException.BadRequest("invalid regular expression in q-item");
            }

            return new Statement(parsedPath, op, [], null, null, regex);
        }

        if (op is Op.Equal or Op.NotEqual)
        {
            var range = IndexOfOutsideQuotes(rhs, "..");
            if (range > 0)
            {
                var low = Literal.Parse(rhs[..range]);
                var high = Literal.Parse(rhs[(range + 2)..]);
                if (low.Kind != high.Kind)
                {
                    throw OrionException.BadRequest("invalid range: types mixed");
                }

                return new Statement(parsedPath, op, [], low, high, null);
            }

            var values = SplitOutsideQuotes(rhs, ',').Select(v => Literal.Parse(v.Trim())).ToArray();
            return new Statement(parsedPath, op, values, null, null, null);
        }

        var single = Literal.Parse(rhs);
        return new Statement(parsedPath, op, [single], null, null, null);
    }

    private static (int Index, int Length, Op Op) FindOperator(string item)
    {
        var inQuote = false;
        for (var i = 0; i < item.Length; i++)
        {
            var c = item[i];
            if (c == '\'')
            {
                inQuote = !inQuote;
                continue;
            }

            if (inQuote)
            {
                continue;
            }

            var next = i + 1 < item.Length ? item[i + 1] : '\0';
            switch (c)
            {
                case '=' when next == '=':
                    return (i, 2, Op.Equal);
                case '!' when next == '=':
                    return (i, 2, Op.NotEqual);
                case '>' when next == '=':
                    return (i, 2, Op.GreaterOrEqual);
                case '<' when next == '=':
                    return (i, 2, Op.LessOrEqual);
                case '~' when next == '=':
                    return (i, 2, Op.Match);
                case '>':
                    return (i, 1, Op.Greater);
                case '<':
                    return (i, 1, Op.Less);
                case ':':
                    return (i, 1, Op.Equal);
            }
        }

        return (-1, 0, Op.Exists);
    }

    private static string[] ParsePath(string text, bool metadata)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var inQuote = false;
        foreach (var c in text.Trim())
        {
            if (c == '\'')
            {
                inQuote = !inQuote;
            }
            else if (c == '.' && !inQuote)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        tokens.Add(current.ToString());
        if (tokens.Exists(t => t.Length == 0) || (metadata && tokens.Count < 2))
        {
            throw OrionException.BadRequest(metadata ? "invalid metadata path in mq" : "empty attribute name in q-item");
        }

        return [.. tokens];
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var inQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                inQuote = !inQuote;
            }
            else if (text[i] == separator && !inQuote)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static int IndexOfOutsideQuotes(string text, string token)
    {
        var inQuote = false;
        for (var i = 0; i + token.Length <= text.Length; i++)
        {
            if (text[i] == '\'')
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A right-hand-side value, read the way Orion reads it.</summary>
    private sealed class Literal
    {
        public required string Text { get; init; }

        public bool Quoted { get; init; }

        public double? Number { get; init; }

        public bool? Boolean { get; init; }

        public DateTime? Date { get; init; }

        /// <summary>Number, date, boolean or string: the two ends of a range must be of one kind.</summary>
        public int Kind => Number is not null ? 1 : Date is not null ? 2 : Boolean is not null ? 3 : 0;

        public static Literal Parse(string token)
        {
            if (token.Length >= 2 && token[0] == '\'' && token[^1] == '\'')
            {
                return new Literal { Text = token[1..^1], Quoted = true };
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return new Literal { Text = token, Number = number };
            }

            if (token is "true" or "false")
            {
                return new Literal { Text = token, Boolean = token == "true" };
            }

            return Dates.TryParse(token, out var date) ? new Literal { Text = token, Date = date } : new Literal { Text = token };
        }
    }

    private sealed record Statement(string[] Path, Op Op, Literal[] Values, Literal? Low, Literal? High, Regex? Pattern)
    {
        public bool Matches(Entity entity, bool metadata)
        {
            var found = Resolve(entity, metadata, out var target, out var isDate);
            return Op switch
            {
                Op.Exists => found,
                Op.NotExists => !found,
                _ when !found => false,
                Op.Equal => Low is not null ? InRange(target, isDate) : AnyEqual(target, isDate),
                Op.NotEqual => Low is not null ? !InRange(target, isDate) : !AnyEqual(target, isDate),
                Op.Match => target is string s && Pattern!.IsMatch(s),
                _ => CompareOrdered(target, isDate),
            };
        }

        private bool Resolve(Entity entity, bool metadata, out object? target, out bool isDate)
        {
            target = null;
            isDate = false;
            var name = Path[0];
            if (!entity.Attributes.TryGetValue(name, out var attribute))
            {
                if (!metadata && name is "dateCreated" or "dateModified" && Path.Length == 1)
                {
                    target = name == "dateCreated" ? entity.Created : entity.Modified;
                    isDate = true;
                    return true;
                }

                if (!metadata && name == "id" && Path.Length == 1)
                {
                    target = entity.Id;
                    return true;
                }

                if (!metadata && name == "type" && Path.Length == 1)
                {
                    target = entity.Type;
                    return true;
                }

                return false;
            }

            object? value;
            string type;
            var next = 1;
            if (metadata)
            {
                var mdName = Path[1];
                next = 2;
                if (attribute.Metadata is not null && attribute.Metadata.TryGetValue(mdName, out var md))
                {
                    value = md.Value;
                    type = md.Type;
                }
                else if (mdName is "dateCreated" or "dateModified")
                {
                    target = mdName == "dateCreated" ? attribute.Created : attribute.Modified;
                    isDate = true;
                    return Path.Length == 2;
                }
                else
                {
                    return false;
                }
            }
            else
            {
                value = attribute.Value;
                type = attribute.Type;
            }

            for (var i = next; i < Path.Length; i++)
            {
                if (value is not JsonMap map || !map.TryGet(Path[i], out value))
                {
                    return false;
                }
            }

            if (type == "DateTime" && next == Path.Length && value is string text && Dates.TryParse(text, out var date))
            {
                target = date;
                isDate = true;
                return true;
            }

            target = value;
            return true;
        }

        private bool AnyEqual(object? target, bool isDate)
        {
            if (target is List<object?> list)
            {
                return list.Exists(item => AnyEqual(item, false));
            }

            foreach (var literal in Values)
            {
                if (EqualsLiteral(target, literal, isDate))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool EqualsLiteral(object? target, Literal literal, bool isDate)
        {
            if (isDate && target is DateTime date)
            {
                return literal.Date is { } d && d == date;
            }

            return target switch
            {
                double number => !literal.Quoted && literal.Number is { } n && n.Equals(number),
                bool b => !literal.Quoted && literal.Boolean is { } lb && lb == b,
                string s => string.Equals(s, literal.Text, StringComparison.Ordinal),
                null => !literal.Quoted && literal.Text == "null",
                _ => false,
            };
        }

        private bool InRange(object? target, bool isDate) =>
            Compare(target, Low!, isDate) is >= 0 && Compare(target, High!, isDate) is <= 0;

        private bool CompareOrdered(object? target, bool isDate)
        {
            var result = Compare(target, Values[0], isDate);
            return result is not null && Op switch
            {
                Op.Greater => result > 0,
                Op.GreaterOrEqual => result >= 0,
                Op.Less => result < 0,
                Op.LessOrEqual => result <= 0,
                _ => false,
            };
        }

        /// <summary>target compared to the literal, or null when they are not comparable.</summary>
        private static int? Compare(object? target, Literal literal, bool isDate)
        {
            if (isDate && target is DateTime date)
            {
                return literal.Date is { } d ? date.CompareTo(d) : null;
            }

            return target switch
            {
                double number when !literal.Quoted && literal.Number is { } n => number.CompareTo(n),
                string s when literal.Number is null || literal.Quoted => string.CompareOrdinal(s, literal.Text),
                _ => null,
            };
        }
    }
}
