using System.Globalization;
using Google.Protobuf;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Internal;

/// <summary>A graph input or output as declared: name, element type, dimensions (-1 where symbolic or unknown).</summary>
internal sealed record ValueDeclaration(string Name, ElementType Type, int[]? Dims, bool IsTensor)
{
    public string ShapeText => Dims is null ? "[unknown rank]" : "[" + string.Join(",", Dims.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
}

/// <summary>
/// A loaded, validated ONNX graph compiled to kernels over numbered value slots. Everything that can be
/// refused is refused here, at load time, naming the node and operator.
/// </summary>
internal sealed class Graph : IEvaluator
{
    private readonly Step[] _steps;
    private readonly OnnxValue?[] _constants;
    private readonly int[] _inputSlots;
    private readonly int[] _outputSlots;

    private Graph(ModelProto model, Step[] steps, OnnxValue?[] constants, ValueDeclaration[] inputs, int[] inputSlots, ValueDeclaration[] outputs, int[] outputSlots, Dictionary<string, string> metadata)
    {
        Model = model;
        _steps = steps;
        _constants = constants;
        Inputs = inputs;
        _inputSlots = inputSlots;
        Outputs = outputs;
        _outputSlots = outputSlots;
        Metadata = metadata;
    }

    private sealed record Step(Kernel Kernel, int[] Inputs, int[] Outputs, string Describe, NodeProto Node);

    public ModelProto Model { get; }

    public ValueDeclaration[] Inputs { get; }

    public ValueDeclaration[] Outputs { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The nodes with their compiled kernels, in execution order.</summary>
    public IEnumerable<(NodeProto Node, Kernel Kernel)> Nodes => _steps.Select(s => (s.Node, s.Kernel));

    public static Graph Load(byte[] bytes, string source) => Compile(Parse(bytes, source), source);

    /// <summary>Parses the bytes of an .onnx file, refusing what is not a model with a graph.</summary>
    public static ModelProto Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelLoadException($"{source}: not a valid ONNX model ({ex.Message}).", ex);
        }

        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Output.Count == 0))
        {
            throw new ModelLoadException($"{source}: not a valid ONNX model (no graph).");
        }

        return model;
    }

    public static Graph Compile(ModelProto model, string source)
    {
        var opsets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var o in model.OpsetImport)
        {
            var domain = Operators.IsCore(o.Domain) ? Operators.CoreDomain : o.Domain;
            opsets[domain] = (int)o.Version;
        }

        if (model.OpsetImport.Count == 0)
        {
            opsets[Operators.CoreDomain] = 1;
        }

        var graph = model.Graph;
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var constants = new List<OnnxValue?>();
        int Slot(string name)
        {
            if (!slots.TryGetValue(name, out var s))
            {
                s = slots.Count;
                slots[name] = s;
                constants.Add(null);
            }

            return s;
        }

        var types = new Dictionary<string, InferredType>(StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
        {
            var value = TensorProtos.ToTensor(init, $"{source}: initializer '{init.Name}'");
            constants[Slot(init.Name)] = value;
            types[init.Name] = InferredType.Of(value.Type);
        }

        var inputs = new List<ValueDeclaration>();
        var inputSlots = new List<int>();
        foreach (var vi in graph.Input)
        {
            if (slots.ContainsKey(vi.Name))
            {
                continue; // an initializer listed as input (IR < 4) is a default, not a required input
            }

            var decl = Declare(vi);
            if (!decl.IsTensor)
            {
                throw new ModelLoadException($"{source}: input '{vi.Name}' is not a tensor; only tensor inputs are supported.") { Unsupported = true };
            }

            if (!ElementTypes.IsSupported(decl.Type))
            {
                throw new ModelLoadException($"{source}: input '{vi.Name}' has element type {decl.Type}, which is not supported.") { Unsupported = true };
            }

            inputs.Add(decl);
            inputSlots.Add(Slot(vi.Name));
            types[vi.Name] = InferredType.Of(decl.Type);
        }

        var produced = new HashSet<string>(slots.Keys, StringComparer.Ordinal);
        var producers = new Dictionary<string, string>(StringComparer.Ordinal);
        var steps = new List<Step>();
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            var domain = Operators.IsCore(node.Domain) ? Operators.CoreDomain : node.Domain;
            var header = new NodeContext(node, i, 0, _ => null);
            var factory = Operators.Find(domain, node.OpType)
                ?? throw header.Unsupported($"operator '{header.Operator}' is not supported.").Prefixed($"{source}: ");
            if (!opsets.TryGetValue(domain, out var opset))
            {
                throw header.Error($"the model does not import an opset for domain '{(domain.Length == 0 ? "ai.onnx" : domain)}'.").Prefixed($"{source}: ");
            }

            var (min, max) = domain.Length == 0 ? (Operators.CoreOpsetMin, Operators.CoreOpsetMax) : (Operators.MlOpsetMin, Operators.MlOpsetMax);
            if (opset < min || opset > max)
            {
                throw header.Unsupported($"opset {opset} of domain '{(domain.Length == 0 ? "ai.onnx" : domain)}' is not supported (supported: {min} to {max}).").Prefixed($"{source}: ");
            }

            foreach (var input in node.Input)
            {
                if (input.Length > 0 && !produced.Contains(input))
                {
                    throw header.Error($"input '{input}' is neither a graph input, an initializer nor the output of an earlier node.").Prefixed($"{source}: ");
                }
            }

            var ctx = new NodeContext(node, i, opset, name => slots.TryGetValue(name, out var s) ? constants[s] as Tensor : null);
            Kernel kernel;
            try
            {
                kernel = factory(ctx);
            }
            catch (ModelLoadException ex)
            {
                throw ex.Prefixed($"{source}: ");
            }

            InferredType[] outTypes;
            try
            {
                outTypes = TypeInference.Infer(ctx, domain, node.Input.Select(n => n.Length == 0 ? InferredType.Unknown : types.GetValueOrDefault(n, InferredType.Unknown)).ToArray());
            }
            catch (ModelLoadException ex)
            {
                throw ex.Prefixed($"{source}: ");
            }

            for (var j = 0; j < node.Output.Count; j++)
            {
                types[node.Output[j]] = j < outTypes.Length ? outTypes[j] : InferredType.Unknown;
                producers[node.Output[j]] = ctx.Describe;
            }

            var inSlots = node.Input.Select(n => n.Length == 0 ? -1 : slots[n]).ToArray();
            var outSlots = node.Output.Select(n => n.Length == 0 ? -1 : Slot(n)).ToArray();
            foreach (var o in node.Output)
            {
                produced.Add(o);
            }

            if (kernel is Kernels.ConstantKernel constant)
            {
                constants[outSlots[0]] = constant.Value; // folded: available to later nodes at load time
                types[node.Output[0]] = InferredType.Of(constant.Value.Type);
                continue;
            }

            steps.Add(new Step(kernel, inSlots, outSlots, ctx.Describe, node));
        }

        var outputs = new List<ValueDeclaration>();
        var outputSlots = new List<int>();
        foreach (var vi in graph.Output)
        {
            if (!produced.Contains(vi.Name))
            {
                throw new ModelLoadException($"{source}: output '{vi.Name}' is not produced by any node.");
            }

            var decl = Declare(vi);
            TypeInference.CheckDeclared(source, "output", decl, types.GetValueOrDefault(vi.Name, InferredType.Unknown), producers.GetValueOrDefault(vi.Name, "graph"));
            outputs.Add(decl);
            outputSlots.Add(slots[vi.Name]);
        }

        foreach (var vi in graph.ValueInfo)
        {
            if (vi.Type is not null && producers.TryGetValue(vi.Name, out var producer))
            {
                TypeInference.CheckDeclared(source, "value", Declare(vi), types.GetValueOrDefault(vi.Name, InferredType.Unknown), producer);
            }
        }

        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new Graph(model, [.. steps], [.. constants], [.. inputs], [.. inputSlots], [.. outputs], [.. outputSlots], metadata);
    }

    /// <summary>A graph input or output as its ValueInfoProto declares it.</summary>
    public static ValueDeclaration Declare(ValueInfoProto vi)
    {
        var tt = vi.Type?.TensorType;
        if (tt is null)
        {
            return new ValueDeclaration(vi.Name, ElementType.Undefined, null, vi.Type is null);
        }

        var dims = tt.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1).ToArray();
        return new ValueDeclaration(vi.Name, (ElementType)tt.ElemType, dims, true);
    }

    /// <summary>Nothing to release: the graph holds managed memory only.</summary>
    public void Dispose()
    {
    }

    /// <summary>Runs the graph on tensors given in the order of <see cref="Inputs"/>; returns values in the order of <see cref="Outputs"/>.</summary>
    public OnnxValue[] Run(IReadOnlyList<Tensor> inputs)
    {
        if (inputs.Count != Inputs.Length)
        {
            throw new ModelInputException($"The model takes {Inputs.Length} input(s), got {inputs.Count}.");
        }

        var values = (OnnxValue?[])_constants.Clone();
        for (var i = 0; i < inputs.Count; i++)
        {
            Check(Inputs[i], inputs[i]);
            values[_inputSlots[i]] = inputs[i];
        }

        foreach (var step in _steps)
        {
            var args = new OnnxValue?[step.Inputs.Length];
            for (var j = 0; j < args.Length; j++)
            {
                args[j] = step.Inputs[j] < 0 ? null : values[step.Inputs[j]];
            }

            OnnxValue[] results;
            try
            {
                results = step.Kernel.Run(args);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IndexOutOfRangeException or ArgumentException or OverflowException)
            {
                throw new ModelInputException($"{step.Describe}: {ex.Message}", ex);
            }

            for (var j = 0; j < step.Outputs.Length && j < results.Length; j++)
            {
                if (step.Outputs[j] >= 0)
                {
                    values[step.Outputs[j]] = results[j];
                }
            }
        }

        var outputs = new OnnxValue[_outputSlots.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            outputs[i] = values[_outputSlots[i]] ?? throw new InvalidOperationException($"Output '{Outputs[i].Name}' was not computed.");
        }

        return outputs;
    }

    private static void Check(ValueDeclaration decl, Tensor t)
    {
        if (decl.Type != t.Type)
        {
            throw new ModelInputException($"Input '{decl.Name}' expects element type {ElementTypes.Name(decl.Type)}, got {ElementTypes.Name(t.Type)}.");
        }

        if (decl.Dims is null)
        {
            return;
        }

        var ok = decl.Dims.Length == t.Rank;
        for (var i = 0; ok && i < t.Rank; i++)
        {
            ok = decl.Dims[i] < 0 || decl.Dims[i] == t.Shape[i];
        }

        if (!ok)
        {
            throw new ModelInputException($"Input '{decl.Name}' expects shape {decl.ShapeText}, got [{string.Join(",", t.Shape)}].");
        }
    }
}
