using System.Text.RegularExpressions;

namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>
/// Splits a text field into several: by a regular expression whose named groups name the new fields
/// (<c>(?&lt;ax&gt;[-+.\d]+)g : (?&lt;ay&gt;[-+.\d]+)g : (?&lt;az&gt;[-+.\d]+)g</c> for an accelerometer triple), or by a
/// separator into the listed names. The new fields take the source's place (it is removed unless <see cref="Keep"/>);
/// they hold text, for a <see cref="Cast"/> to convert. Text that does not match is invalid, naming the field.
/// </summary>
public sealed class Split : RecordTransform
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex? _pattern;
    private readonly string[] _groups;

    private Split(string field, Regex? pattern, string? separator, IReadOnlyList<string> into, bool keep)
    {
        Field = field;
        _pattern = pattern;
        Separator = separator;
        Into = into;
        Keep = keep;
        _groups = pattern is null ? [] : [.. into];
    }

    /// <summary>The field split.</summary>
    public string Field { get; }

    /// <summary>The pattern, when splitting by one.</summary>
    public string? Pattern => _pattern?.ToString();

    /// <summary>The separator, when splitting by one.</summary>
    public string? Separator { get; }

    /// <summary>The new fields, in order.</summary>
    public IReadOnlyList<string> Into { get; }

    /// <summary>Whether the source field is kept.</summary>
    public bool Keep { get; }

    /// <summary>A split by a regular expression; its named groups are the new fields.</summary>
    /// <param name="field">The text field.</param>
    /// <param name="pattern">A .NET regular expression with one or more named groups; it must match the whole text.</param>
    /// <param name="keep">Whether to keep the source field.</param>
    /// <exception cref="ArgumentException">The pattern does not parse or names no group.</exception>
    public static Split ByPattern(string field, string pattern, bool keep = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Regex regex;
        try
        {
            regex = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"split of '{field}': the pattern is not a regular expression: {e.Message}", nameof(pattern), e);
        }

        var names = regex.GetGroupNames().Where(n => !int.TryParse(n, out _)).ToArray();
        if (names.Length == 0)
        {
            throw new ArgumentException($"split of '{field}': the pattern names no group; name each new field as (?<name>...)", nameof(pattern));
        }

        return new Split(field, regex, null, names, keep);
    }

    /// <summary>A split by a separator into <paramref name="into"/>; the text must have exactly that many parts.</summary>
    /// <param name="field">The text field.</param>
    /// <param name="separator">The separator (trimmed parts).</param>
    /// <param name="into">The new fields' names, one per part.</param>
    /// <param name="keep">Whether to keep the source field.</param>
    public static Split BySeparator(string field, string separator, IReadOnlyList<string> into, bool keep = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        ArgumentNullException.ThrowIfNull(into);
        if (into.Count < 2 || into.Any(string.IsNullOrEmpty) || into.Distinct(StringComparer.Ordinal).Count() != into.Count)
        {
            throw new ArgumentException($"split of '{field}': 'into' lists two or more distinct field names", nameof(into));
        }

        return new Split(field, null, separator, [.. into], keep);
    }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!record.TryGetValue(Field, out var value) || value is null)
        {
            return RecordOutcome.Continue;
        }

        if (value is not string text)
        {
            return RecordOutcome.Invalid($"field '{Field}': split needs text, found {Kind(value)}");
        }

        var parts = new string?[Into.Count];
        if (_pattern is not null)
        {
            Match match;
            try
            {
                match = _pattern.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                return RecordOutcome.Invalid($"field '{Field}': the split pattern took too long on this text");
            }

            if (!match.Success)
            {
                return RecordOutcome.Invalid($"field '{Field}': '{Shorten(text)}' does not match the split pattern");
            }

            for (var i = 0; i < _groups.Length; i++)
            {
                var group = match.Groups[_groups[i]];
                parts[i] = group.Success ? group.Value : null;
            }
        }
        else
        {
            var pieces = text.Split(Separator, StringSplitOptions.TrimEntries);
            if (pieces.Length != Into.Count)
            {
                return RecordOutcome.Invalid($"field '{Field}': '{Shorten(text)}' has {pieces.Length} part(s) separated by '{Separator}', expected {Into.Count}");
            }

            pieces.CopyTo(parts, 0);
        }

        var at = record.IndexOf(Field) + (Keep ? 1 : 0);
        if (!Keep)
        {
            record.Remove(Field);
        }

        for (var i = 0; i < parts.Length; i++)
        {
            record.Insert(at++, Into[i], parts[i]);
        }

        return RecordOutcome.Continue;
    }

    /// <inheritdoc />
    public override string ToString() => _pattern is not null
        ? $"split {Field} by /{Pattern}/ into {string.Join(", ", Into)}"
        : $"split {Field} by '{Separator}' into {string.Join(", ", Into)}";

    internal static string Kind(object value) => value switch
    {
        bool => "a boolean",
        long or double => "a number",
        DateTimeOffset => "a time",
        Record => "an object",
        _ => "a list",
    };

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
