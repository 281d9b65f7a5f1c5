using System.Globalization;
using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference;

/// <summary>
/// The result for one row: <see cref="Value"/> for a regressor; <see cref="Label"/> and
/// <see cref="Probabilities"/> for a classifier; any output by name with <see cref="GetNumbers"/> and <see cref="GetTexts"/>.
/// </summary>
public sealed class Prediction
{
    private readonly ModelShape _shape;
    private readonly double[] _scores;
    private readonly int _offset;
    private readonly int _width;
    private readonly string? _label;
    private readonly int _row;
    private readonly OnnxValue[]? _outputs;

    internal Prediction(ModelShape shape, double[] scores, int offset, int width, int labelIndex, string? label, int row, OnnxValue[]? outputs = null)
    {
        _shape = shape;
        _scores = scores;
        _offset = offset;
        _width = width;
        LabelIndex = labelIndex;
        _label = label;
        _row = row;
        _outputs = outputs;
    }

    /// <summary>The first regression value; for a classifier, the probability of the predicted class.</summary>
    public double Value => ValueOf(Scores, LabelIndex, _shape);

    /// <summary>All scores: regression targets, or class probabilities in <see cref="ClassLabels"/> order.</summary>
    public ReadOnlySpan<double> Scores => _scores.AsSpan(_offset, _width);

    /// <summary>The predicted label (integer labels as invariant text), or null for a regressor.</summary>
    public string? Label => _label ?? (LabelIndex >= 0 && _shape.ClassLabels is { } c ? c[LabelIndex] : null);

    /// <summary>Index of the predicted label in <see cref="ClassLabels"/>, or -1.</summary>
    public int LabelIndex { get; }

    /// <summary>Class probabilities in <see cref="ClassLabels"/> order; empty when the model gives none.</summary>
    public ReadOnlySpan<double> Probabilities => _shape.ScoresAreProbabilities ? Scores : [];

    /// <summary>The class labels the probabilities refer to.</summary>
    public IReadOnlyList<string> ClassLabels => _shape.ClassLabels ?? [];

    /// <summary>The probability of one class label.</summary>
    /// <exception cref="ArgumentException">The label is not one of <see cref="ClassLabels"/>.</exception>
    public double Probability(string label)
    {
        var i = _shape.ClassLabels is null ? -1 : Array.IndexOf(_shape.ClassLabels, label);
        if (i < 0 || !_shape.ScoresAreProbabilities)
        {
            throw new ArgumentException($"'{label}' is not a class label of this model.", nameof(label));
        }

        return Scores[i];
    }

    /// <summary>The numeric values of an output for this row (a label output gives its integer label; a label map its probabilities).</summary>
    /// <exception cref="ArgumentException">No output has that name, or it holds strings.</exception>
    public double[] GetNumbers(string output)
    {
        var (index, info) = Find(output);
        if (_outputs is null)
        {
            return info.Kind == ModelOutputKind.Label
                ? [double.Parse(Label ?? throw new ArgumentException($"Output '{output}' has no value."), CultureInfo.InvariantCulture)]
                : Scores.ToArray();
        }

        return _outputs[index] switch
        {
            Tensor { IsString: true } => throw new ArgumentException($"Output '{output}' holds strings; use GetTexts.", nameof(output)),
            Tensor t => t.Numbers.AsSpan(_row * (t.Length / Rows(t)), t.Length / Rows(t)).ToArray(),
            MapSequence m => m.Rows[_row].ToArray(),
            _ => [],
        };
    }

    /// <summary>The values of an output for this row as invariant text (works for labels, strings and numbers).</summary>
    public string[] GetTexts(string output)
    {
        var (index, info) = Find(output);
        if (_outputs is null || _outputs[index] is not Tensor { IsString: true } t)
        {
            return info.Kind == ModelOutputKind.Label && _outputs is null
                ? [Label ?? string.Empty]
                : GetNumbers(output).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        }

        var width = t.Length / Rows(t);
        return t.Strings.AsSpan(_row * width, width).ToArray();
    }

    internal static double ValueOf(ReadOnlySpan<double> scores, int labelIndex, ModelShape shape) =>
        scores.Length == 0 ? double.NaN : labelIndex >= 0 && labelIndex < scores.Length && shape.ScoresAreProbabilities ? scores[labelIndex] : scores[0];

    private static int Rows(Tensor t) => t.Rank == 0 ? 1 : Math.Max(1, t.Shape[0]);

    private (int Index, ModelOutputInfo Info) Find(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        for (var i = 0; i < _shape.Outputs.Length; i++)
        {
            if (_shape.Outputs[i].Name == output)
            {
                return (i, _shape.Outputs[i]);
            }
        }

        throw new ArgumentException($"The model has no output '{output}' (outputs: {string.Join(", ", _shape.Outputs.Select(o => o.Name))}).", nameof(output));
    }
}
