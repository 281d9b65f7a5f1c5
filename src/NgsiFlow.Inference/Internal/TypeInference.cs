namespace NgsiFlow.Inference.Internal;

/// <summary>The type of a value as type inference sees it: a tensor of an element type, a ZipMap's sequence of maps, or unknown.</summary>
internal readonly record struct InferredType(ElementType Element, bool IsMapSequence)
{
    public static readonly InferredType Unknown = new(ElementType.Undefined, false);

    public static readonly InferredType Maps = new(ElementType.Undefined, true);

    public bool IsKnown => IsMapSequence || Element != ElementType.Undefined;

    public static InferredType Of(ElementType element) => new(element, false);

    public override string ToString() => IsMapSequence ? "seq(map)" : Element == ElementType.Undefined ? "unknown" : ElementTypes.Name(Element);
}

/// <summary>
/// ONNX element-type inference for the operators the managed evaluator runs: each node's output types from its
/// inputs and attributes, and the type constraints that tie inputs together (Add's two inputs share T). A graph whose
/// declared outputs or value_info contradict what inference gives is refused, as onnx.checker and ONNX Runtime
/// refuse it, instead of being run with types its own declaration does not have.
/// </summary>
internal static class TypeInference
{
    /// <summary>Inputs that must share one element type, by operator (core domain).</summary>
    private static readonly Dictionary<string, int> SharedInputs = new(StringComparer.Ordinal)
    {
        ["Add"] = 2,
        ["Sub"] = 2,
        ["Mul"] = 2,
        ["Div"] = 2,
        ["MatMul"] = 2,
        ["Gemm"] = 3,
        ["Concat"] = int.MaxValue,
    };

    /// <summary>The output types of one node; throws when its inputs break a type constraint.</summary>
    public static InferredType[] Infer(NodeContext ctx, string domain, IReadOnlyList<InferredType> inputs)
    {
        var op = ctx.OpType;
        InferredType In(int i) => i < inputs.Count ? inputs[i] : InferredType.Unknown;
        if (domain == Operators.CoreDomain)
        {
            CheckShared(ctx, op, inputs);
            return op switch
            {
                "ArgMax" or "ArgMin" or "Shape" => [InferredType.Of(ElementType.Int64)],
                "Cast" => [InferredType.Of((ElementType)ctx.Int("to", 0))],
                "CastLike" => [In(1)],
                "Constant" => [InferredType.Unknown], // folded: the value's own type is used instead
                _ => [In(0)],
            };
        }

        var label = op switch
        {
            "TreeEnsembleClassifier" => ctx.Ints("classlabels_int64s") is { Length: > 0 } ? ElementType.Int64 : ElementType.String,
            "LinearClassifier" => ctx.Ints("classlabels_ints") is { Length: > 0 } ? ElementType.Int64 : ElementType.String,
            _ => ElementType.Undefined,
        };
        return op switch
        {
            "TreeEnsembleRegressor" or "LinearRegressor" or "Scaler" or "Normalizer" or "OneHotEncoder" => [InferredType.Of(ElementType.Float)],
            "TreeEnsembleClassifier" or "LinearClassifier" => [InferredType.Of(label), InferredType.Of(ElementType.Float)],
            "ZipMap" => [InferredType.Maps],
            "LabelEncoder" => [LabelEncoderOutput(ctx, In(0))],
            _ => [In(0)], // Binarizer, Imputer, ArrayFeatureExtractor keep their input's type
        };
    }

    /// <summary>Refuses a declared type (graph output or value_info) that differs from the inferred one.</summary>
    public static void CheckDeclared(string source, string what, ValueDeclaration declared, InferredType inferred, string producer)
    {
        if (!inferred.IsKnown || (declared.IsTensor && declared.Type == ElementType.Undefined))
        {
            return;
        }

        var declaredType = declared.IsTensor ? InferredType.Of(declared.Type) : InferredType.Maps;
        if (declared.IsTensor == inferred.IsMapSequence || (declared.IsTensor && declared.Type != inferred.Element))
        {
            throw new ModelLoadException(
                $"{source}: {producer}: {what} '{declared.Name}' is {inferred} by ONNX type inference, but the graph declares it {declaredType}; the model is not valid ONNX (onnx.checker and ONNX Runtime refuse it too).");
        }
    }

    private static void CheckShared(NodeContext ctx, string op, IReadOnlyList<InferredType> inputs)
    {
        if (!SharedInputs.TryGetValue(op, out var count) && !(op == "Clip" && ctx.Opset >= 11) && !(op == "Pow" && ctx.Opset < 12))
        {
            return;
        }

        if (count == 0)
        {
            count = op == "Clip" ? 3 : 2;
        }

        InferredType? first = null;
        for (var i = 0; i < inputs.Count && i < count; i++)
        {
            if (!ctx.HasInput(i) || !inputs[i].IsKnown)
            {
                continue;
            }

            if (first is null)
            {
                first = inputs[i];
            }
            else if (first.Value != inputs[i])
            {
                throw ctx.Error($"inputs '{ctx.Node.Input[0]}' ({first}) and '{ctx.Node.Input[i]}' ({inputs[i]}) must have the same element type (type constraint T); the model is not valid ONNX.");
            }
        }
    }

    private static InferredType LabelEncoderOutput(NodeContext ctx, InferredType input)
    {
        if (ctx.Opset < 2)
        {
            return InferredType.Of(input.Element == ElementType.String ? ElementType.Int64 : ElementType.String);
        }

        return ctx.Strings("values_strings") is { Length: > 0 } ? InferredType.Of(ElementType.String)
            : ctx.Ints("values_int64s") is { Length: > 0 } ? InferredType.Of(ElementType.Int64)
            : ctx.Floats("values_floats") is { Length: > 0 } ? InferredType.Of(ElementType.Float)
            : InferredType.Unknown;
    }
}
