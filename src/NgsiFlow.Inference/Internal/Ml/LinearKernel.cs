using System.Globalization;

namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>LinearRegressor and LinearClassifier: scores = X * coefficientsᵀ + intercepts, then post_transform.</summary>
internal sealed class LinearKernel : Kernel, IRowScorer
{
    private readonly bool _classifier;
    private readonly double[] _coefficients;
    private readonly double[] _intercepts;
    private readonly int _rows;
    private readonly PostTransformKind _post;
    private readonly bool _binarySingleScore;

    public LinearKernel(NodeContext ctx, bool classifier)
    {
        _classifier = classifier;
        _post = PostTransform.Parse(ctx);
        _coefficients = ctx.Floats("coefficients")?.Select(f => (double)f).ToArray() ?? throw ctx.Error("attribute 'coefficients' is required.");
        _intercepts = ctx.Floats("intercepts")?.Select(f => (double)f).ToArray() ?? [];
        if (classifier)
        {
            var ints = ctx.Ints("classlabels_ints");
            var strings = ctx.Strings("classlabels_strings");
            if ((ints is null || ints.Length == 0) == (strings is null || strings.Length == 0))
            {
                throw ctx.Error("exactly one of classlabels_ints and classlabels_strings must be given.");
            }

            IntLabels = ints is { Length: > 0 };
            ClassLabels = IntLabels ? ints!.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray() : strings!;
            ScoreCount = ClassLabels.Length;
            _rows = _intercepts.Length > 0 ? _intercepts.Length : ScoreCount;
            _binarySingleScore = ScoreCount == 2 && _rows == 1;
            if (_rows != ScoreCount && !_binarySingleScore)
            {
                throw ctx.Error($"{_rows} coefficient rows for {ScoreCount} classes.");
            }
        }
        else
        {
            ScoreCount = (int)ctx.Int("targets", 1);
            _rows = ScoreCount;
        }

        if (_intercepts.Length != 0 && _intercepts.Length != _rows)
        {
            throw ctx.Error($"intercepts has {_intercepts.Length} entries, expected {_rows}.");
        }

        if (_rows == 0 || _coefficients.Length % _rows != 0)
        {
            throw ctx.Error($"coefficients has {_coefficients.Length} entries, not a multiple of {_rows}.");
        }

        FeatureCount = _coefficients.Length / _rows;
    }

    public int FeatureCount { get; }

    public int ScoreCount { get; }

    public string[]? ClassLabels { get; }

    public bool IntLabels { get; }

    public ElementType ScoreType => ElementType.Float;

    public int ScoreRow(ReadOnlySpan<double> x, Span<double> scores)
    {
        var f = FeatureCount;
        for (var r = 0; r < _rows; r++)
        {
            var sum = _intercepts.Length > 0 ? _intercepts[r] : 0;
            var c = _coefficients.AsSpan(r * f, f);
            for (var i = 0; i < f; i++)
            {
                sum += c[i] * x[i];
            }

            scores[r] = sum;
        }

        if (_binarySingleScore)
        {
            // One coefficient row for two classes: its score is the second class's, the first gets its negation.
            scores[1] = scores[0];
            scores[0] = -scores[1];
        }

        PostTransform.Apply(_post, scores[..ScoreCount]);
        if (!_classifier)
        {
            return -1;
        }

        var best = 0;
        for (var i = 1; i < ScoreCount; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs) =>
        RowScoring.Run(this, In(inputs, 0, _classifier ? "LinearClassifier" : "LinearRegressor"));
}
