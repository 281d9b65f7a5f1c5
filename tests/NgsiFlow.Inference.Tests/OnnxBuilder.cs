using Google.Protobuf;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Tests;

/// <summary>Builds small ONNX models by hand, for cases whose answers are known without scikit-learn.</summary>
internal static class OnnxBuilder
{
    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static NodeProto Node(string op, string domain, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Domain = domain, Name = op.ToLowerInvariant() + "_0" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    public static ValueInfoProto Tensor(string name, int elemType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    public static byte[] Model(IEnumerable<NodeProto> nodes, ValueInfoProto[] inputs, ValueInfoProto[] outputs, long coreOpset = 15, long mlOpset = 3, Dictionary<string, string>? metadata = null)
    {
        var g = new GraphProto { Name = "test" };
        g.Node.AddRange(nodes);
        g.Input.AddRange(inputs);
        g.Output.AddRange(outputs);
        var m = new ModelProto { IrVersion = 8, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = coreOpset });
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.ml", Version = mlOpset });
        foreach (var (k, v) in metadata ?? [])
        {
            m.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        }

        return m.ToByteArray();
    }

    /// <summary>
    /// One-tree regressor on features (a, b): root tests a with <paramref name="mode"/> against 1.0;
    /// true leaf weighs 10, false leaf 20. Optionally NaN on a follows the true branch.
    /// </summary>
    public static byte[] OneSplitRegressor(string mode, bool missingTrue = false, string aggregate = "SUM", string post = "NONE")
    {
        var attrs = new List<AttributeProto>
        {
            Ints("nodes_treeids", 0, 0, 0), Ints("nodes_nodeids", 0, 1, 2), Ints("nodes_featureids", 0, 0, 0),
            Strings("nodes_modes", mode, "LEAF", "LEAF"), Floats("nodes_values", 1f, 0f, 0f),
            Ints("nodes_truenodeids", 1, 0, 0), Ints("nodes_falsenodeids", 2, 0, 0),
            Ints("target_treeids", 0, 0), Ints("target_nodeids", 1, 2), Ints("target_ids", 0, 0), Floats("target_weights", 10f, 20f),
            Int("n_targets", 1), String("aggregate_function", aggregate), String("post_transform", post),
        };
        if (missingTrue)
        {
            attrs.Add(Ints("nodes_missing_value_tracks_true", 1, 0, 0));
        }

        return Model([Node("TreeEnsembleRegressor", "ai.onnx.ml", ["X"], ["Y"], [.. attrs])], [Tensor("X", 1, -1, 2)], [Tensor("Y", 1, -1, 1)]);
    }
}
