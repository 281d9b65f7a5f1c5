using System.Globalization;

namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>TreeEnsembleRegressor and TreeEnsembleClassifier (ai.onnx.ml opsets 1 and 3).</summary>
internal sealed class TreeEnsembleKernel : Kernel, IRowScorer
{
    private readonly TreeEnsemble _trees;
    private readonly bool _classifier;
    private readonly Aggregate _aggregate;
    private readonly double[] _base;
    private readonly PostTransformKind _post;
    private readonly int _rawCount;
    private readonly bool _binarySingleScore;
    private readonly long[]? _intLabels;

    public TreeEnsembleKernel(NodeContext ctx, bool classifier)
    {
        _classifier = classifier;
        _post = PostTransform.Parse(ctx);
        _base = ctx.Numbers("base_values", "base_values_as_tensor") ?? [];
        // Double thresholds and weights (the "_as_tensor" attributes) are compared and summed in double, but the
        // outputs of ai.onnx.ml opset 1 to 3 tree ensembles are float tensors: results are rounded to float at the
        // end, as ONNX Runtime does (and as type inference requires of the graph's declared outputs).
        ScoreType = ElementType.Float;
        if (classifier)
        {
            _intLabels = ctx.Ints("classlabels_int64s");
            var strings = ctx.Strings("classlabels_strings");
            if ((_intLabels is null || _intLabels.Length == 0) == (strings is null || strings.Length == 0))
            {
                throw ctx.Error("exactly one of classlabels_int64s and classlabels_strings must be given.");
            }

            IntLabels = _intLabels is { Length: > 0 };
            ClassLabels = IntLabels ? _intLabels!.Select(l => l.ToString(CultureInfo.InvariantCulture)).ToArray() : strings!;
            ScoreCount = ClassLabels.Length;
            _rawCount = ScoreCount;
            _trees = TreeEnsembleBuilder.Build(ctx, "class", ScoreCount);
            var ids = ctx.Ints("class_ids") ?? [];
            _binarySingleScore = ScoreCount == 2 && ids.All(id => id == 0);
            _aggregate = Aggregate.Sum;
        }
        else
        {
            ScoreCount = (int)ctx.Int("n_targets", 1);
            if (ScoreCount < 1)
            {
                throw ctx.Error("n_targets must be at least 1.");
            }

            _rawCount = ScoreCount;
            _trees = TreeEnsembleBuilder.Build(ctx, "target", ScoreCount);
            var agg = ctx.String("aggregate_function", "SUM");
            _aggregate = agg switch
            {
                "SUM" => Aggregate.Sum,
                "AVERAGE" => Aggregate.Average,
                "MIN" => Aggregate.Min,
                "MAX" => Aggregate.Max,
                _ => throw ctx.Error($"aggregate_function '{agg}' is not supported (SUM, AVERAGE, MIN, MAX)."),
            };
        }

        if (_base.Length != 0 && _base.Length != _rawCount && !(_binarySingleScore && _base.Length is 1 or 2))
        {
            throw ctx.Error($"base_values has {_base.Length} entries, expected {_rawCount}.");
        }
    }

    public int FeatureCount => _trees.FeatureCount;

    public int ScoreCount { get; }

    public string[]? ClassLabels { get; }

    public bool IntLabels { get; }

    public ElementType ScoreType { get; }

    public TreeEnsemble Trees => _trees;

    public int ScoreRow(ReadOnlySpan<double> x, Span<double> scores)
    {
        var s = scores[.._rawCount];
        Reset(s);
        _trees.Accumulate(x, s, _aggregate);
        return Finish(scores);
    }

    public void ScoreRows(ReadOnlySpan<double> rows, int width, int count, Span<double> scores, Span<int> labels)
    {
        var k = ScoreCount;
        for (var r = 0; r < count; r++)
        {
            Reset(scores.Slice(r * k, _rawCount));
        }

        _trees.AccumulateRows(rows, width, count, scores, k, _aggregate);
        for (var r = 0; r < count; r++)
        {
            labels[r] = Finish(scores.Slice(r * k, k));
        }
    }

    private void Reset(Span<double> s)
    {
        if (_aggregate is Aggregate.Min or Aggregate.Max)
        {
            s.Fill(double.NaN);
        }
        else
        {
            s.Clear();
        }
    }

    private int Finish(Span<double> scores)
    {
        var s = scores[.._rawCount];
        for (var i = 0; i < s.Length; i++)
        {
            if (double.IsNaN(s[i]) && _aggregate is Aggregate.Min or Aggregate.Max)
            {
                s[i] = 0; // no tree reached this target
            }
            else if (_aggregate == Aggregate.Average)
            {
                s[i] /= _trees.TreeCount;
            }
        }

        if (_binarySingleScore)
        {
            // One score column for two classes: the score is the second class's; the first is its complement.
            var v = s[0] + (_base.Length > 0 ? _base[^1] : 0);
            if (_post == PostTransformKind.None)
            {
                s[0] = 1 - v;
                s[1] = v;
            }
            else
            {
                s[0] = -v;
                s[1] = v;
                PostTransform.Apply(_post, s);
            }
        }
        else
        {
            for (var i = 0; i < _base.Length; i++)
            {
                s[i] += _base[i];
            }

            PostTransform.Apply(_post, s);
        }

        if (!_classifier)
        {
            return -1;
        }

        var best = 0;
        for (var i = 1; i < s.Length; i++)
        {
            if (s[i] > s[best])
            {
                best = i;
            }
        }

        return best;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var x = In(inputs, 0, _classifier ? "TreeEnsembleClassifier" : "TreeEnsembleRegressor");
        return RowScoring.Run(this, x);
    }
}

/// <summary>Runs an <see cref="IRowScorer"/> over a tensor of rows and shapes the operator's outputs.</summary>
internal static class RowScoring
{
    public static OnnxValue[] Run(IRowScorer scorer, Tensor x)
    {
        if (x.IsString)
        {
            throw new InvalidOperationException("features must be numeric.");
        }

        var width = x.Rank == 0 ? 1 : x.Shape[^1];
        var rows = x.Rank <= 1 ? 1 : x.Length / Math.Max(width, 1);
        if (width < scorer.FeatureCount)
        {
            throw new InvalidOperationException($"rows have {width} features, the model reads {scorer.FeatureCount}.");
        }

        var k = scorer.ScoreCount;
        var scores = new double[rows * k];
        var labels = new int[rows];
        scorer.ScoreRows(x.Numbers, width, rows, scores, labels);

        ElementTypes.Narrow(scorer.ScoreType, scores);
        var scoreTensor = new Tensor(scorer.ScoreType, [rows, k], scores);
        if (scorer.ClassLabels is null)
        {
            return [scoreTensor];
        }

        Tensor labelTensor;
        if (scorer.IntLabels)
        {
            var l = new double[rows];
            for (var r = 0; r < rows; r++)
            {
                l[r] = double.Parse(scorer.ClassLabels[labels[r]], CultureInfo.InvariantCulture);
            }

            labelTensor = new Tensor(ElementType.Int64, [rows], l);
        }
        else
        {
            labelTensor = new Tensor([rows], labels.Select(i => scorer.ClassLabels[i]).ToArray());
        }

        return [labelTensor, scoreTensor];
    }
}
