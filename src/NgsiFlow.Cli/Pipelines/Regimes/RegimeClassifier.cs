using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Pipelines.Regimes;

/// <summary>The regimes MLP (models/regimes-mlp.onnx) on the three features of <see cref="RegimeFeatures"/>.</summary>
internal sealed class RegimeClassifier
{
    /// <summary>The regimes by index, as the k-means model numbered them.</summary>
    public static readonly IReadOnlyList<string> Regimes = ["idle", "working", "overload"];

    private readonly OnnxModel _model;

    /// <summary>Loads the model.</summary>
    /// <param name="model">The MLP classifier.</param>
    /// <exception cref="ArgumentException">The model does not take (temperature, temperature_change, temperature_mean10) or its labels are not the three regimes.</exception>
    public RegimeClassifier(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string[] expected = ["temperature", "temperature_change", "temperature_mean10"];
        if (!model.FeatureNames.SequenceEqual(expected) || !model.IsClassifier)
        {
            throw new ArgumentException($"Model '{model.Name}' must be a classifier of the features {string.Join(", ", expected)} (it has {string.Join(", ", model.FeatureNames)}).", nameof(model));
        }

        if (model.ClassLabels.Any(l => !Regimes.Contains(l)))
        {
            throw new ArgumentException($"Model '{model.Name}' has labels {string.Join(", ", model.ClassLabels)}; expected idle, working, overload.", nameof(model));
        }

        _model = model;
    }

    /// <summary>Loads the model from a file.</summary>
    /// <param name="path">The ONNX file.</param>
    /// <returns>The classifier.</returns>
    public static RegimeClassifier Load(string path) => new(OnnxModel.Load(path));

    /// <summary>Classifies one reading from its features.</summary>
    /// <param name="reading">The reading.</param>
    /// <param name="features">temperature, temperature_change, temperature_mean10.</param>
    /// <returns>The prediction.</returns>
    public RegimePrediction Classify(MachineReading reading, ReadOnlySpan<double> features)
    {
        var p = _model.Predict(features);
        var label = p.Label ?? throw new InvalidOperationException($"Model '{_model.Name}' gave no label.");
        return new RegimePrediction(reading, features[1], features[2], label, IndexOf(label), p.Probability(label));
    }

    /// <summary>The index of a regime label.</summary>
    /// <param name="label">idle, working or overload.</param>
    /// <returns>0, 1 or 2.</returns>
    public static int IndexOf(string label) => label switch
    {
        "idle" => 0,
        "working" => 1,
        "overload" => 2,
        _ => throw new ArgumentException($"'{label}' is not a regime (idle, working, overload).", nameof(label)),
    };
}
