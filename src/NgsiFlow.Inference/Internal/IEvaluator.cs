namespace NgsiFlow.Inference.Internal;

/// <summary>
/// What <see cref="OnnxModel"/> needs of an evaluator: the graph's declared inputs and outputs, its metadata, and a
/// thread-safe run on tensors. The managed <see cref="Graph"/> and the ONNX Runtime session both implement it, so
/// rows, features and results are handled once, the same way, whichever evaluates.
/// </summary>
internal interface IEvaluator : IDisposable
{
    ValueDeclaration[] Inputs { get; }

    ValueDeclaration[] Outputs { get; }

    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Runs the graph on tensors given in the order of <see cref="Inputs"/>; returns values in the order of <see cref="Outputs"/>.</summary>
    OnnxValue[] Run(IReadOnlyList<Tensor> inputs);
}
