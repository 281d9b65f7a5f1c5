using System.Globalization;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Internal;

/// <summary>What a kernel factory sees of its node at load time: attributes, opset, constant inputs.</summary>
internal sealed class NodeContext
{
    private readonly Dictionary<string, AttributeProto> _attributes = new(StringComparer.Ordinal);
    private readonly Func<string, Tensor?> _constant;

    public NodeContext(NodeProto node, int index, int opset, Func<string, Tensor?> constant)
    {
        Node = node;
        Opset = opset;
        _constant = constant;
        foreach (var a in node.Attribute)
        {
            _attributes[a.Name] = a;
        }

        NodeName = string.IsNullOrEmpty(node.Name) ? $"#{index.ToString(CultureInfo.InvariantCulture)}" : node.Name;
        var name = string.IsNullOrEmpty(node.Name) ? NodeName : $"'{node.Name}'";
        var domain = string.IsNullOrEmpty(node.Domain) ? string.Empty : node.Domain + ".";
        Describe = $"node {name} ({domain}{node.OpType})";
        Operator = $"{(Operators.IsCore(node.Domain) ? "ai.onnx" : node.Domain)}.{node.OpType}";
    }

    /// <summary>The node's name, or "#index" when it has none.</summary>
    public string NodeName { get; }

    /// <summary>"domain.OpType", with "ai.onnx" for the default domain.</summary>
    public string Operator { get; }

    public NodeProto Node { get; }

    public string OpType => Node.OpType;

    public int Opset { get; }

    /// <summary>"node 'name' (domain.Op)", for messages.</summary>
    public string Describe { get; }

    public int InputCount => Node.Input.Count;

    public bool HasInput(int i) => i < Node.Input.Count && Node.Input[i].Length > 0;

    /// <summary>The input's value when it is an initializer or a Constant output, known at load time.</summary>
    public Tensor? ConstantInput(int i) => HasInput(i) ? _constant(Node.Input[i]) : null;

    public ModelLoadException Error(string message) => new($"{Describe}: {message}") { Node = NodeName, Operator = Operator };

    /// <summary>A refusal because the managed evaluator lacks something the model uses (ONNX Runtime may have it).</summary>
    public ModelLoadException Unsupported(string message) => new($"{Describe}: {message}") { Node = NodeName, Operator = Operator, Unsupported = true };

    public bool Has(string name) => _attributes.ContainsKey(name);

    public long Int(string name, long fallback) => _attributes.TryGetValue(name, out var a) ? a.I : fallback;

    public float Float(string name, float fallback) => _attributes.TryGetValue(name, out var a) ? a.F : fallback;

    public string String(string name, string fallback) =>
        _attributes.TryGetValue(name, out var a) ? TensorProtos.Utf8(a.S) : fallback;

    public long[]? Ints(string name) => _attributes.TryGetValue(name, out var a) ? [.. a.Ints] : null;

    public float[]? Floats(string name) => _attributes.TryGetValue(name, out var a) ? [.. a.Floats] : null;

    public string[]? Strings(string name) =>
        _attributes.TryGetValue(name, out var a) ? a.Strings.Select(TensorProtos.Utf8).ToArray() : null;

    public Tensor? TensorAttribute(string name) =>
        _attributes.TryGetValue(name, out var a) && a.T is not null ? TensorProtos.ToTensor(a.T, $"{Describe} attribute '{name}'") : null;

    /// <summary>A numeric list given either as floats or as a tensor attribute (ai.onnx.ml opset 3 "_as_tensor").</summary>
    public double[]? Numbers(string floatsName, string tensorName)
    {
        var t = TensorAttribute(tensorName);
        if (t is not null)
        {
            if (t.IsString)
            {
                throw Error($"attribute '{tensorName}' must be numeric.");
            }

            return t.Numbers;
        }

        var f = Floats(floatsName);
        return f?.Select(x => (double)x).ToArray();
    }

    /// <summary>True when a list attribute is present as a double tensor, so results keep double precision.</summary>
    public bool IsDoubleTensor(string tensorName) => TensorAttribute(tensorName)?.Type == ElementType.Double;

    public IEnumerable<string> AttributeNames => _attributes.Keys;
}
