using System.Globalization;
using NgsiFlow.Inference.Internal;
using Xunit.Abstractions;

namespace NgsiFlow.Inference.Tests.Conformance;

public sealed class NodeConformanceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Minimum number of cases per operator. The test data is a fixed Debian package; these floors make sure
    /// a discovery change cannot silently drop an operator's cases.
    /// </summary>
    private static readonly Dictionary<string, int> Minimum = new(StringComparer.Ordinal)
    {
        ["Abs"] = 1, ["Add"] = 3, ["ArgMax"] = 16, ["ArgMin"] = 16, ["Cast"] = 12, ["Clip"] = 11, ["Concat"] = 12,
        ["Div"] = 4, ["Exp"] = 2, ["Flatten"] = 9, ["Gather"] = 4, ["Gemm"] = 11, ["Identity"] = 1, ["Log"] = 2,
        ["LogSoftmax"] = 7, ["MatMul"] = 3, ["Mul"] = 4, ["Neg"] = 2, ["Pow"] = 10, ["ReduceMax"] = 8, ["ReduceMean"] = 8,
        ["ReduceMin"] = 8, ["ReduceSum"] = 10, ["ReduceSumSquare"] = 8, ["Relu"] = 1, ["Reshape"] = 10, ["Shape"] = 10,
        ["Sigmoid"] = 2, ["Slice"] = 8, ["Softmax"] = 7, ["Sqrt"] = 2, ["Squeeze"] = 2, ["Sub"] = 4, ["Tanh"] = 2,
        ["Transpose"] = 7, ["Unsqueeze"] = 8,
    };

    public static IEnumerable<object[]> Cases() => NodeTestCases.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void NodeCase_runs_outputs_match_reference(string name)
    {
        var dir = Path.Combine(NodeTestCases.Root, name);
        var graph = Graph.Load(File.ReadAllBytes(Path.Combine(dir, "model.onnx")), name);
        var sets = Directory.GetDirectories(dir, "test_data_set_*");
        sets.ShouldNotBeEmpty();
        foreach (var set in sets)
        {
            var inputs = ReadAll(set, "input_");
            var expected = ReadAll(set, "output_");
            var actual = graph.Run(inputs);
            actual.Length.ShouldBe(expected.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Compare(name, graph.Outputs[i].Name, (Tensor)actual[i], expected[i]);
            }
        }
    }

    [Fact]
    public void NodeCases_every_implemented_core_operator_has_its_minimum_count()
    {
        var counts = NodeTestCases.Cases.SelectMany(c => c.Ops).GroupBy(o => o, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        output.WriteLine($"{NodeTestCases.Cases.Count} node test cases; {NodeTestCases.Excluded.Count} excluded by the documented list.");
        foreach (var (op, n) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{op}: {n.ToString(CultureInfo.InvariantCulture)}");
        }

        foreach (var op in Operators.CoreOperators.Where(o => o is not ("Constant" or "CastLike")))
        {
            Minimum.ShouldContainKey(op);
            counts.GetValueOrDefault(op).ShouldBeGreaterThanOrEqualTo(Minimum[op], $"cases for {op}");
        }
    }

    private static List<Tensor> ReadAll(string set, string prefix) =>
        Directory.GetFiles(set, prefix + "*.pb")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)[prefix.Length..], CultureInfo.InvariantCulture))
            .Select(f => TensorProtos.Parse(File.ReadAllBytes(f), f))
            .ToList();

    private static void Compare(string name, string output, Tensor actual, Tensor expected)
    {
        var what = $"{name} output '{output}'";
        actual.Type.ShouldBe(expected.Type, what);
        actual.Shape.ShouldBe(expected.Shape, what);
        if (expected.IsString)
        {
            actual.Strings.ShouldBe(expected.Strings, what);
            return;
        }

        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected.Numbers[i];
            var a = actual.Numbers[i];
            if (double.IsNaN(e))
            {
                double.IsNaN(a).ShouldBeTrue($"{what}[{i}]: expected NaN, got {a}");
                continue;
            }

            var tolerance = ElementTypes.IsFloating(expected.Type) ? 1e-5 + (1e-4 * Math.Abs(e)) : 0;
            if (expected.Type == ElementType.Float16)
            {
                tolerance = 1e-3 + (1e-3 * Math.Abs(e));
            }

            Math.Abs(a - e).ShouldBeLessThanOrEqualTo(tolerance, $"{what}[{i}]: expected {e}, got {a}");
        }
    }
}
