using NgsiFlow.Ngsi;

namespace NgsiFlow.Jobs.Internal;

/// <summary>Fills a model's input row from an update's attributes and its window's aggregates, as the job file maps them.</summary>
internal sealed class FeatureLayout(IReadOnlyList<JobFeature> features, Func<string, int> aggregateIndex, IReadOnlyList<JobAggregate> aggregates)
{
    public IReadOnlyList<JobFeature> Features { get; } = features;

    /// <summary>The attributes the features read (the subscription's default condition attributes).</summary>
    public IEnumerable<string> Attributes => Features.Where(f => f.Kind != JobFeatureKind.Aggregate).Select(f => f.Source);

    /// <summary>Fills <paramref name="row"/>; false (with the attribute) when one without a default is missing or not a number.</summary>
    public bool Fill(INgsiEntity entity, WindowAccumulator? window, Span<double> row, out string missing)
    {
        var column = 0;
        foreach (var f in Features)
        {
            switch (f.Kind)
            {
                case JobFeatureKind.OneHot:
                    var text = entity.TryGetValue(f.Source, out var v) && v.TryGetString(out var s) ? s : null;
                    if (text is null && f.Default is null)
                    {
                        missing = f.Source;
                        return false;
                    }

                    for (var i = 0; i < f.Values.Count; i++)
                    {
                        row[column++] = text is null ? f.Default!.Value : string.Equals(text, f.Values[i], StringComparison.Ordinal) ? 1 : 0;
                    }

                    continue;
                case JobFeatureKind.Aggregate:
                    var index = aggregateIndex(f.Source);
                    if (window?.Value(index, aggregates[index].Op) is { } a)
                    {
                        row[column++] = (a + f.Offset) * f.Scale;
                        continue;
                    }

                    break;
                default:
                    if (entity.TryGetNumber(f.Source, out var number) && double.IsFinite(number))
                    {
                        row[column++] = (number + f.Offset) * f.Scale;
                        continue;
                    }

                    break;
            }

            if (f.Default is not { } fallback)
            {
                missing = f.Source;
                return false;
            }

            row[column++] = fallback;
        }

        missing = string.Empty;
        return true;
    }
}
