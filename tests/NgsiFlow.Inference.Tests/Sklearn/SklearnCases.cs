using Google.Protobuf;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Tests.Sklearn;

/// <summary>
/// The scikit-learn cases of TestData/sklearn: one per expectations file. Every case has its committed model except
/// forest_classifier_zipmap, whose model is built here from forest_classifier_multiclass.onnx plus a ZipMap node,
/// because Debian's onnx 1.12 cannot run its full check on a graph with a sequence-of-maps output (see
/// tools/models/test_models.py) and every committed model must pass that check.
/// </summary>
internal static class SklearnCases
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "sklearn");

    public static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder, "*.csv").Select(f => Path.GetFileNameWithoutExtension(f)!).OrderBy(n => n, StringComparer.Ordinal);

    public static byte[] Bytes(string name)
    {
        var path = Path.Combine(Folder, name + ".onnx");
        return name == "forest_classifier_zipmap" ? ZipMapped(File.ReadAllBytes(Path.Combine(Folder, "forest_classifier_multiclass.onnx"))) : File.ReadAllBytes(path);
    }

    /// <summary>The classifier's probabilities output renamed "scores", then a ZipMap giving one label-to-probability map per row.</summary>
    private static byte[] ZipMapped(byte[] classifier)
    {
        var model = ModelProto.Parser.ParseFrom(classifier);
        var graph = model.Graph;
        var node = graph.Node.Single();
        node.Output[1] = "scores";
        var labels = node.Attribute.Single(a => a.Name == "classlabels_int64s").Ints;
        var zip = OnnxBuilder.Node("ZipMap", "ai.onnx.ml", ["scores"], ["probabilities"], OnnxBuilder.Ints("classlabels_int64s", [.. labels]));
        graph.Node.Add(zip);
        var maps = new TypeProto
        {
            SequenceType = new TypeProto.Types.Sequence
            {
                ElemType = new TypeProto
                {
                    MapType = new TypeProto.Types.Map { KeyType = 7, ValueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } },
                },
            },
        };
        var output = graph.Output.Single(o => o.Name == "probabilities");
        output.Type = maps;
        return model.ToByteArray();
    }
}
