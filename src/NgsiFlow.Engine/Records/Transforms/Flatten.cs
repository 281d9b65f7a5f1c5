namespace NgsiFlow.Engine.Records.Transforms;

/// <summary>
/// Lifts nested records into their parent: <c>{"a": {"b": 1}}</c> becomes <c>{"a_b": 1}</c>, at the nested field's
/// place and to any depth. Lists are kept as they are (a Parquet sink writes them as JSON text).
/// </summary>
public sealed class Flatten : RecordTransform
{
    /// <summary>A flattening.</summary>
    /// <param name="separator">What joins the names (<c>_</c> by default).</param>
    public Flatten(string separator = "_")
    {
        ArgumentNullException.ThrowIfNull(separator);
        Separator = separator;
    }

    /// <summary>What joins a parent's name to its child's.</summary>
    public string Separator { get; }

    /// <inheritdoc />
    public override RecordOutcome Apply(Record record, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        for (var i = 0; i < record.Count; i++)
        {
            var (name, value) = record.GetAt(i);
            if (value is not Record nested)
            {
                continue;
            }

            record.Remove(name);
            var at = i;
            foreach (var (childName, childValue) in Flattened(nested, name))
            {
                record.Insert(at++, childName, childValue);
            }

            i = at - 1;
        }

        return RecordOutcome.Continue;
    }

    /// <inheritdoc />
    public override string ToString() => $"flatten (separator '{Separator}')";

    private IEnumerable<KeyValuePair<string, object?>> Flattened(Record nested, string prefix)
    {
        foreach (var (name, value) in nested)
        {
            var full = prefix + Separator + name;
            if (value is Record deeper)
            {
                foreach (var item in Flattened(deeper, full))
                {
                    yield return item;
                }
            }
            else
            {
                yield return new(full, value);
            }
        }
    }
}
