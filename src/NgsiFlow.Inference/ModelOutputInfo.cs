namespace NgsiFlow.Inference;

/// <summary>What kind of value a model output holds.</summary>
public enum ModelOutputKind
{
    /// <summary>A numeric tensor: regression values, scores, probabilities, distances.</summary>
    Numeric,

    /// <summary>A tensor of class labels (strings or integers).</summary>
    Label,

    /// <summary>One label-to-probability map per row (ONNX ZipMap).</summary>
    LabelMap,
}

/// <summary>One output of a model as declared in its graph.</summary>
/// <param name="Name">The output name in the ONNX graph.</param>
/// <param name="Kind">Whether it holds numbers, labels or label maps.</param>
/// <param name="ElementType">The ONNX element type name (float, double, int64, string), or "map" for ZipMap outputs.</param>
public sealed record ModelOutputInfo(string Name, ModelOutputKind Kind, string ElementType);
