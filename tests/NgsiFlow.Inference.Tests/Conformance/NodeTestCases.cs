using NgsiFlow.Inference.Internal;
using NgsiFlow.Inference.Onnx;

namespace NgsiFlow.Inference.Tests.Conformance;

/// <summary>
/// The ONNX project's node test cases as Debian's libonnx-testdata installs them: each case is a folder
/// with model.onnx and test_data_set_*/input_*.pb, output_*.pb. A case belongs to this suite when every
/// node of its model is a core operator NgsiFlow implements.
/// </summary>
internal static class NodeTestCases
{
    public const string Root = "/usr/share/libonnx-testdata/data/node";

    /// <summary>
    /// Cases whose operators are implemented but which need something NgsiFlow deliberately does not
    /// support. Each entry says why; everything else that matches must run and pass.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["test_identity_opt"] = "optional-typed input; NgsiFlow graphs take tensors only",
        ["test_identity_sequence"] = "sequence-typed input; NgsiFlow graphs take tensors only",
        ["test_cast_BFLOAT16_to_FLOAT"] = "bfloat16 element type is not supported",
        ["test_cast_FLOAT_to_BFLOAT16"] = "bfloat16 element type is not supported",
        ["test_castlike_BFLOAT16_to_FLOAT"] = "bfloat16 element type is not supported",
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = "bfloat16 element type is not supported",
        ["test_castlike_FLOAT_to_BFLOAT16"] = "bfloat16 element type is not supported",
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = "bfloat16 element type is not supported",
    };

    private static readonly Lazy<IReadOnlyList<(string Name, string[] Ops)>> All = new(Discover);

    public static IReadOnlyList<(string Name, string[] Ops)> Cases => All.Value;

    public static IEnumerable<object[]> Names() => Cases.Select(c => new object[] { c.Name });

    private static List<(string, string[])> Discover()
    {
        var supported = Operators.CoreOperators.ToHashSet(StringComparer.Ordinal);
        var list = new List<(string, string[])>();
        foreach (var dir in Directory.GetDirectories(Root, "test_*").OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
            var ops = model.Graph.Node.Select(n => n.OpType).Distinct().ToArray();
            if (ops.Length > 0 && model.Graph.Node.All(n => Operators.IsCore(n.Domain) && supported.Contains(n.OpType)) && !Excluded.ContainsKey(name))
            {
                list.Add((name, ops));
            }
        }

        return list;
    }
}
