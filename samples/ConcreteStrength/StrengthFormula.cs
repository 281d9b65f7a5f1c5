namespace ConcreteStrength;

/// <summary>
/// Stands in for the trained model until the inference stage lands: a hand-made estimate of compressive strength
/// (MPa) from the mix, with the shape of Abrams' law (strength falls with the water/binder ratio and grows with age).
/// Replace <see cref="Predict"/> with the ONNX model's evaluation; the inputs are in the model's feature order.
/// </summary>
internal static class StrengthFormula
{
    /// <summary>The feature order of the concrete data set (and of the model that will replace this formula).</summary>
    public static readonly string[] Features = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"];

    public static double Predict(ReadOnlySpan<float> x)
    {
        var binder = x[0] + (0.8 * x[1]) + (0.4 * x[2]);
        var waterBinder = x[3] / Math.Max(binder, 1);
        var ageFactor = Math.Log(1 + x[7]) / Math.Log(29);
        var plasticizer = 1 + (0.01 * x[4]);
        return Math.Round(96.0 / Math.Pow(7.0, waterBinder) * ageFactor * plasticizer, 2);
    }
}
