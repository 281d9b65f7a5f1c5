namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>
/// scikit-learn's own predictions for the data set's rows (<c>models/concrete-rf150.expected.csv</c>, written by
/// <c>tools/models/concrete.py</c>), so the demo can show that the streamed predictions are the trained model's.
/// </summary>
internal sealed class ScikitLearnReference
{
    private readonly double[] _predictions;

    private ScikitLearnReference(double[] predictions) => _predictions = predictions;

    /// <summary>scikit-learn's prediction for a data-set row.</summary>
    /// <param name="row">The row.</param>
    public double this[int row] => _predictions[row];

    /// <summary>Loads the reference when it exists and describes the same rows as <paramref name="data"/>.</summary>
    /// <param name="data">The replayed data.</param>
    /// <returns>The reference, or null when it is missing or for other rows.</returns>
    public static ScikitLearnReference? TryLoad(ConcreteDataSet data)
    {
        var path = DemoPaths.Find("models/concrete-rf150.expected.csv");
        if (path is null)
        {
            return null;
        }

        var expected = ConcreteDataSet.Load(path, data.Features, "predicted_strength", out var predictions);
        if (expected.Count != data.Count)
        {
            return null;
        }

        for (var i = 0; i < data.Count; i++)
        {
            if (Math.Abs(expected.Strength[i] - data.Strength[i]) > 1e-9 || !expected.Rows[i].AsSpan().SequenceEqual(data.Rows[i]))
            {
                return null;
            }
        }

        return new ScikitLearnReference(predictions!);
    }
}
