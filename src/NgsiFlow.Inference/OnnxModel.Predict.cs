using NgsiFlow.Inference.Internal;

namespace NgsiFlow.Inference;

public sealed partial class OnnxModel
{
    private const int StackFeatures = 256;

    /// <summary>Scores one row given as features in <see cref="FeatureNames"/> order. NaN marks a missing value.</summary>
    /// <exception cref="ModelInputException">The number of features is wrong.</exception>
    public Prediction Predict(ReadOnlySpan<double> features)
    {
        CheckWidth(features.Length);
        var scorer = _shape.Scorer;
        if (scorer is null)
        {
            return PredictBatch(features, 1)[0];
        }

        var scores = new double[scorer.ScoreCount];
        var index = ScoreFast(scorer, features, scores);
        return new Prediction(_shape, scores, 0, scores.Length, index, null, 0);
    }

    /// <summary>Scores one row given as single-precision features in <see cref="FeatureNames"/> order.</summary>
    public Prediction Predict(ReadOnlySpan<float> features)
    {
        CheckWidth(features.Length);
        var buffer = features.Length <= StackFeatures ? stackalloc double[features.Length] : new double[features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            buffer[i] = features[i];
        }

        return Predict(buffer);
    }

    /// <summary>
    /// Scores one row whose features are looked up by name, e.g. <c>name =&gt; entity.Number(name)</c>.
    /// Return <see cref="double.NaN"/> for a value that is known to be missing (trees route it by their
    /// missing-value tracks); return null when the feature is absent, which is an error.
    /// </summary>
    /// <exception cref="ModelInputException">A feature is absent; the message names it.</exception>
    public Prediction Predict(Func<string, double?> feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        var names = _shape.FeatureNames;
        var buffer = names.Length <= StackFeatures ? stackalloc double[names.Length] : new double[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            buffer[i] = feature(names[i]) ?? throw new ModelInputException($"Feature '{names[i]}' is missing (model {Name} needs: {string.Join(", ", names)}).");
        }

        return Predict(buffer);
    }

    /// <summary>Scores one row given as a feature-name to value dictionary.</summary>
    /// <exception cref="ModelInputException">A feature is absent; the message names it.</exception>
    public Prediction Predict(IReadOnlyDictionary<string, double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return Predict(name => features.TryGetValue(name, out var v) ? v : null);
    }

    /// <summary>
    /// Scores one row into a caller-owned span, allocating nothing when the model is a compiled tree
    /// ensemble or linear model (see <see cref="UsesCompiledScorer"/>). <paramref name="scores"/> must hold
    /// <see cref="ScoreCount"/> values: regression targets, or class probabilities in <see cref="ClassLabels"/> order.
    /// </summary>
    /// <returns>The predicted class index for a classifier, -1 for a regressor.</returns>
    public int Score(ReadOnlySpan<double> features, Span<double> scores)
    {
        CheckWidth(features.Length);
        var scorer = _shape.Scorer;
        if (scorer is null)
        {
            var p = Predict(features);
            p.Scores.CopyTo(scores);
            return p.LabelIndex;
        }

        if (scores.Length < scorer.ScoreCount)
        {
            throw new ArgumentException($"The scores span holds {scores.Length} values; the model writes {scorer.ScoreCount}.", nameof(scores));
        }

        return ScoreFast(scorer, features, scores);
    }

    private int ScoreFast(Internal.Ml.IRowScorer scorer, ReadOnlySpan<double> features, Span<double> scores)
    {
        var type = _shape.InputTypes[0];
        int index;
        if (type == ElementType.Double)
        {
            index = scorer.ScoreRow(features, scores);
        }
        else
        {
            // The model declares narrower inputs (usually float, as scikit-learn trees compare): round the same way.
            var x = features.Length <= StackFeatures ? stackalloc double[features.Length] : new double[features.Length];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = ElementTypes.Narrow(type, features[i]);
            }

            index = scorer.ScoreRow(x, scores);
        }

        ElementTypes.Narrow(scorer.ScoreType, scores[..scorer.ScoreCount]);
        return index;
    }

    private void CheckWidth(int count)
    {
        if (count != _shape.FeatureNames.Length)
        {
            throw new ModelInputException(_shape.FeatureNames.Length == 0
                ? $"Model {Name}: the width of input '{_evaluator.Inputs[0].Name}' is not declared, so rows cannot be given as features."
                : $"Model {Name} takes {_shape.FeatureNames.Length} features ({string.Join(", ", _shape.FeatureNames)}), got {count}.");
        }
    }
}
