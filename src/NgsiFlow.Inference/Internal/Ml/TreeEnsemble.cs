using System.Runtime.CompilerServices;

namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>Node comparison modes of the ai.onnx.ml tree operators.</summary>
internal enum NodeMode : byte
{
    Leaf = 0,
    BranchLeq,
    BranchLt,
    BranchGte,
    BranchGt,
    BranchEq,
    BranchNeq,
}

/// <summary>How leaf weights of several trees combine (TreeEnsembleRegressor's aggregate_function).</summary>
internal enum Aggregate
{
    Sum,
    Average,
    Min,
    Max,
}

/// <summary>
/// Trees compiled into flat arrays (struct of arrays over all nodes of all trees). A node index leads to
/// its feature, threshold, mode and children; a leaf's children fields hold the range of its weights.
/// Evaluation walks these arrays without allocating.
/// </summary>
internal sealed class TreeEnsemble
{
    private readonly int[] _roots;
    private readonly int[] _feature;
    private readonly double[] _threshold;
    private readonly NodeMode[] _mode;
    private readonly int[] _true;
    private readonly int[] _false;
    private readonly bool[] _missingTrue;
    private readonly int[] _weightTarget;
    private readonly double[] _weight;
    private readonly bool _onlyLeq;

    public TreeEnsemble(int[] roots, int[] feature, double[] threshold, NodeMode[] mode, int[] trueNext, int[] falseNext, bool[] missingTrue, int[] weightTarget, double[] weight, int featureCount)
    {
        _roots = roots;
        _feature = feature;
        _threshold = threshold;
        _mode = mode;
        _true = trueNext;
        _false = falseNext;
        _missingTrue = missingTrue;
        _weightTarget = weightTarget;
        _weight = weight;
        FeatureCount = featureCount;
        _onlyLeq = mode.All(m => m is NodeMode.BranchLeq or NodeMode.Leaf) && !missingTrue.Any(m => m);
    }

    public int TreeCount => _roots.Length;

    public int NodeCount => _feature.Length;

    /// <summary>One more than the highest feature index any node reads.</summary>
    public int FeatureCount { get; }

    /// <summary>Adds every tree's leaf weights for row <paramref name="x"/> into <paramref name="scores"/> by the aggregate.</summary>
    public void Accumulate(ReadOnlySpan<double> x, Span<double> scores, Aggregate aggregate)
    {
        for (var t = 0; t < _roots.Length; t++)
        {
            var leaf = _onlyLeq ? FindLeafLeq(_roots[t], x) : FindLeaf(_roots[t], x);
            var start = _true[leaf];
            var end = start + _false[leaf];
            for (var w = start; w < end; w++)
            {
                ref var s = ref scores[_weightTarget[w]];
                var v = _weight[w];
                switch (aggregate)
                {
                    case Aggregate.Min:
                        s = double.IsNaN(s) || v < s ? v : s;
                        break;
                    case Aggregate.Max:
                        s = double.IsNaN(s) || v > s ? v : s;
                        break;
                    default:
                        s += v;
                        break;
                }
            }
        }
    }

    /// <summary>The hot loop for the common case (scikit-learn, Spark): only "x &lt;= threshold" and no missing-value tracks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindLeafLeq(int node, ReadOnlySpan<double> x)
    {
        var feature = _feature;
        var threshold = _threshold;
        var yes = _true;
        var no = _false;
        while (true)
        {
            var f = feature[node];
            if (f < 0)
            {
                return node;
            }

            node = x[f] <= threshold[node] ? yes[node] : no[node];
        }
    }

    private int FindLeaf(int node, ReadOnlySpan<double> x)
    {
        while (true)
        {
            var f = _feature[node];
            if (f < 0)
            {
                return node;
            }

            var v = x[f];
            var t = _threshold[node];
            bool go;
            if (double.IsNaN(v) && _missingTrue[node])
            {
                go = true;
            }
            else
            {
                go = _mode[node] switch
                {
                    NodeMode.BranchLeq => v <= t,
                    NodeMode.BranchLt => v < t,
                    NodeMode.BranchGte => v >= t,
                    NodeMode.BranchGt => v > t,
                    NodeMode.BranchEq => v == t,
                    _ => v != t,
                };
            }

            node = go ? _true[node] : _false[node];
        }
    }
}
