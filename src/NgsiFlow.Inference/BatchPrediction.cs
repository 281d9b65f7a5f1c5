using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference;

/// <summary>The results of scoring many rows: per row a value or a label and scores, read by row index.</summary>
public sealed class BatchPrediction
{
    private readonly ModelShape _shape;
    private readonly double[] _scores;
    private readonly int _width;
    private readonly int[] _labelIndex;
    private readonly string?[]? _labels;
    private readonly object[]? _outputs;

    internal BatchPrediction(ModelShape shape, double[] scores, int width, int[] labelIndex, string?[]? labels, object[]? outputs)
    {
        _shape = shape;
        _scores = scores;
        _width = width;
        _labelIndex = labelIndex;
        _labels = labels;
        _outputs = outputs;
    }

    /// <summary>Number of rows.</summary>
    public int Count => _labelIndex.Length;

    /// <summary>Scores per row (regression targets, or probabilities per class).</summary>
    public int ScoreCount => _width;

    /// <summary>One row's result. Allocates a small view object; use the indexed accessors in tight loops.</summary>
    public Prediction this[int row]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
            return new Prediction(_shape, _scores, row * _width, _width, _labelIndex[row], _labels?[row], row, _outputs as OnnxValue[]);
        }
    }

    /// <summary>The row's first regression value (for a classifier: the probability of its predicted class).</summary>
    public double Value(int row) => Prediction.ValueOf(_scores.AsSpan(row * _width, _width), _labelIndex[row], _shape);

    /// <summary>The row's predicted label, or null for a regressor.</summary>
    public string? Label(int row) => _labels?[row] ?? (_labelIndex[row] >= 0 && _shape.ClassLabels is { } c ? c[_labelIndex[row]] : null);

    /// <summary>The row's scores: regression targets, or probabilities in <see cref="OnnxModel.ClassLabels"/> order.</summary>
    public ReadOnlySpan<double> Scores(int row) => _scores.AsSpan(row * _width, _width);
}
