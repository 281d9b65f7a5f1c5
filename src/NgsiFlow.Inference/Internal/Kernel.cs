namespace NgsiFlow.Inference.Internal;

/// <summary>One compiled node: validated and prepared at load time, run once per graph evaluation.</summary>
internal abstract class Kernel
{
    /// <summary>Runs the node. Missing optional inputs are null.</summary>
    public abstract OnnxValue[] Run(OnnxValue?[] inputs);

    protected static Tensor In(OnnxValue?[] inputs, int index, string opType)
    {
        if (index < inputs.Length && inputs[index] is Tensor t)
        {
            return t;
        }

        throw new InvalidOperationException($"{opType}: input {index} is missing or is not a tensor.");
    }

    protected static Tensor? Optional(OnnxValue?[] inputs, int index) => index < inputs.Length ? inputs[index] as Tensor : null;

    protected static OnnxValue[] One(OnnxValue value) => [value];
}
