namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>
/// A scoring operator that can score one row of features straight into a span, with no tensors and no
/// allocation: the fast path used when a model is just this operator (plus optional ZipMap/Cast).
/// </summary>
internal interface IRowScorer
{
    /// <summary>Number of features a row must have.</summary>
    int FeatureCount { get; }

    /// <summary>Number of scores per row: regression targets, or one probability per class.</summary>
    int ScoreCount { get; }

    /// <summary>Class labels for a classifier (ints as invariant text), null for a regressor.</summary>
    string[]? ClassLabels { get; }

    /// <summary>True when class labels are int64 rather than strings.</summary>
    bool IntLabels { get; }

    /// <summary>Element type of the scores output (float or double).</summary>
    ElementType ScoreType { get; }

    /// <summary>Scores one row; returns the class index for a classifier, -1 for a regressor.</summary>
    int ScoreRow(ReadOnlySpan<double> x, Span<double> scores);

    /// <summary>Scores <paramref name="count"/> rows of <paramref name="width"/> values into ScoreCount scores and one label index per row.</summary>
    void ScoreRows(ReadOnlySpan<double> rows, int width, int count, Span<double> scores, Span<int> labels)
    {
        var k = ScoreCount;
        for (var r = 0; r < count; r++)
        {
            labels[r] = ScoreRow(rows.Slice(r * width, width), scores.Slice(r * k, k));
        }
    }
}
