using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// One node of a compiled tree, 16 bytes so a step of the walk reads a single cache line. A branch holds
/// its threshold, feature and the index of its true child; the false child is always the next slot. A
/// leaf has <see cref="Feature"/> = -1; when every leaf has exactly one weight, <see cref="Value"/> is that
/// weight and <see cref="Next"/> its target, otherwise <see cref="Next"/> starts the leaf's weight range.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TreeNode
{
    public double Value;
    public int Feature;
    public int Next;
}

/// <summary>
/// Trees compiled into flat arrays: all nodes of all trees in one <see cref="TreeNode"/> array laid out
/// breadth-first per tree with sibling pairs adjacent, plus side arrays (mode, missing-value track, leaf
/// weight ranges) that the common case never touches. Evaluation allocates nothing.
/// </summary>
internal sealed class TreeEnsemble
{
    private const int BlockRows = 128;

    private readonly TreeNode[] _nodes;
    private readonly int[] _roots;
    private readonly NodeMode[] _mode;
    private readonly bool[] _missingTrue;
    private readonly int[] _leafCount;
    private readonly int[] _weightTarget;
    private readonly double[] _weight;
    private readonly bool _onlyLeq;
    private readonly bool _singleWeight;
    private readonly bool _uniform;
    private readonly TreeNode[] _uniformNodes;
    private readonly int[] _depth;
    private readonly double[] _leafValue;
    private readonly int[] _leafTarget;

    public TreeEnsemble(TreeNode[] nodes, int[] roots, NodeMode[] mode, bool[] missingTrue, int[] leafCount, int[] weightTarget, double[] weight, int featureCount)
    {
        _nodes = nodes;
        _roots = roots;
        _mode = mode;
        _missingTrue = missingTrue;
        _leafCount = leafCount;
        _weightTarget = weightTarget;
        _weight = weight;
        FeatureCount = featureCount;
        _onlyLeq = mode.All(m => m is NodeMode.BranchLeq or NodeMode.Leaf) && !missingTrue.Any(m => m);
        _singleWeight = true;
        for (var i = 0; i < nodes.Length; i++)
        {
            if (nodes[i].Feature < 0 && leafCount[i] != 1)
            {
                _singleWeight = false;
            }
        }

        if (_singleWeight)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                if (nodes[i].Feature < 0)
                {
                    var w = nodes[i].Next;
                    _nodes[i].Value = weight[w];
                    _nodes[i].Next = weightTarget[w];
                }
            }
        }

        if (_onlyLeq && _singleWeight)
        {
            _uniform = BuildUniform(out _uniformNodes, out _depth, out _leafValue, out _leafTarget);
        }
        else
        {
            _uniformNodes = [];
            _depth = [];
            _leafValue = [];
            _leafTarget = [];
        }
    }

    /// <summary>
    /// The branch-free form of the common case: every leaf becomes a node that loops to itself (it compares
    /// a sentinel column, always 0, against +infinity), so a walk is exactly the tree's depth of identical
    /// steps with no data-dependent branch, and several walks interleave to overlap their memory reads.
    /// </summary>
    private bool BuildUniform(out TreeNode[] nodes, out int[] depth, out double[] leafValue, out int[] leafTarget)
    {
        nodes = (TreeNode[])_nodes.Clone();
        leafValue = new double[nodes.Length];
        leafTarget = new int[nodes.Length];
        depth = new int[_roots.Length];
        var level = new int[nodes.Length];
        for (var t = 0; t < _roots.Length; t++)
        {
            var end = t + 1 < _roots.Length ? _roots[t + 1] : nodes.Length;
            for (var i = _roots[t]; i < end; i++)
            {
                // Breadth-first layout: a node's children come after it, so levels propagate in one pass.
                if (_nodes[i].Feature >= 0)
                {
                    level[_nodes[i].Next] = level[i] + 1;
                    level[_nodes[i].Next + 1] = level[i] + 1;
                }
                else
                {
                    depth[t] = Math.Max(depth[t], level[i]);
                    leafValue[i] = _nodes[i].Value;
                    leafTarget[i] = _nodes[i].Next;
                    nodes[i] = new TreeNode { Value = double.PositiveInfinity, Feature = FeatureCount, Next = i };
                }
            }
        }

        return true;
    }

    public int TreeCount => _roots.Length;

    public int NodeCount => _nodes.Length;

    /// <summary>One more than the highest feature index any node reads.</summary>
    public int FeatureCount { get; }

    /// <summary>Adds every tree's leaf weights for row <paramref name="x"/> into <paramref name="scores"/> by the aggregate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(ReadOnlySpan<double> x, Span<double> scores, Aggregate aggregate)
    {
        if (_uniform && aggregate is Aggregate.Sum or Aggregate.Average && x.Length <= 255)
        {
            // A private copy with the sentinel column at FeatureCount: no tree reads that column, so it can be overwritten.
            Span<double> row = stackalloc double[x.Length + 1];
            x.CopyTo(row);
            row[FeatureCount] = 0;
            AccumulateUniform(row, scores);
            return;
        }

        foreach (var root in _roots)
        {
            AddLeaf(_onlyLeq ? FindLeafLeq(root, x) : FindLeaf(root, x), scores, aggregate);
        }
    }

    /// <summary>
    /// Accumulates many rows tree by tree over blocks of rows, so each tree stays in cache while a block
    /// walks it. <paramref name="scores"/> holds <paramref name="stride"/> values per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AccumulateRows(ReadOnlySpan<double> rows, int width, int count, Span<double> scores, int stride, Aggregate aggregate)
    {
        if (_uniform && aggregate is Aggregate.Sum or Aggregate.Average)
        {
            AccumulateRowsUniform(rows, width, count, scores, stride);
            return;
        }

        for (var start = 0; start < count; start += BlockRows)
        {
            var end = Math.Min(count, start + BlockRows);
            foreach (var root in _roots)
            {
                for (var r = start; r < end; r++)
                {
                    var x = rows.Slice(r * width, width);
                    var s = scores.Slice(r * stride, stride);
                    if (_onlyLeq && _singleWeight && aggregate is Aggregate.Sum or Aggregate.Average)
                    {
                        ref readonly var leaf = ref _nodes[FindLeafLeq(root, x)];
                        s[leaf.Next] += leaf.Value;
                    }
                    else
                    {
                        AddLeaf(_onlyLeq ? FindLeafLeq(root, x) : FindLeaf(root, x), s, aggregate);
                    }
                }
            }
        }
    }

    /// <summary>One row (with its sentinel column) through every tree, four trees walking in lockstep; sums in tree order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateUniform(ReadOnlySpan<double> row, Span<double> scores)
    {
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_uniformNodes);
        ref var x = ref MemoryMarshal.GetReference(row);
        var trees = _roots.Length;
        var t = 0;
        for (; t + 4 <= trees; t += 4)
        {
            int n0 = _roots[t], n1 = _roots[t + 1], n2 = _roots[t + 2], n3 = _roots[t + 3];
            var d = Math.Max(Math.Max(_depth[t], _depth[t + 1]), Math.Max(_depth[t + 2], _depth[t + 3]));
            for (var step = 0; step < d; step++)
            {
                n0 = Step(ref nodes, ref x, n0);
                n1 = Step(ref nodes, ref x, n1);
                n2 = Step(ref nodes, ref x, n2);
                n3 = Step(ref nodes, ref x, n3);
            }

            scores[_leafTarget[n0]] += _leafValue[n0];
            scores[_leafTarget[n1]] += _leafValue[n1];
            scores[_leafTarget[n2]] += _leafValue[n2];
            scores[_leafTarget[n3]] += _leafValue[n3];
        }

        for (; t < trees; t++)
        {
            var n = _roots[t];
            for (var step = 0; step < _depth[t]; step++)
            {
                n = Step(ref nodes, ref x, n);
            }

            scores[_leafTarget[n]] += _leafValue[n];
        }
    }

    /// <summary>Many rows: blocks of rows copied with a sentinel column, each tree walked by four rows in lockstep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateRowsUniform(ReadOnlySpan<double> rows, int width, int count, Span<double> scores, int stride)
    {
        var w = width + 1;
        Span<double> block = stackalloc double[Math.Min(count, BlockRows) * w];
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_uniformNodes);
        for (var start = 0; start < count; start += BlockRows)
        {
            var n = Math.Min(count, start + BlockRows) - start;
            for (var r = 0; r < n; r++)
            {
                rows.Slice((start + r) * width, width).CopyTo(block.Slice(r * w, width));
                block[(r * w) + FeatureCount] = 0;
            }

            ref var b = ref MemoryMarshal.GetReference(block);
            for (var t = 0; t < _roots.Length; t++)
            {
                var root = _roots[t];
                var d = _depth[t];
                var r = 0;
                for (; r + 8 <= n; r += 8)
                {
                    ref var x0 = ref Unsafe.Add(ref b, r * w);
                    ref var x1 = ref Unsafe.Add(ref x0, w);
                    ref var x2 = ref Unsafe.Add(ref x1, w);
                    ref var x3 = ref Unsafe.Add(ref x2, w);
                    ref var x4 = ref Unsafe.Add(ref x3, w);
                    ref var x5 = ref Unsafe.Add(ref x4, w);
                    ref var x6 = ref Unsafe.Add(ref x5, w);
                    ref var x7 = ref Unsafe.Add(ref x6, w);
                    int n0 = root, n1 = root, n2 = root, n3 = root, n4 = root, n5 = root, n6 = root, n7 = root;
                    for (var step = 0; step < d; step++)
                    {
                        int p0 = n0, p1 = n1, p2 = n2, p3 = n3, p4 = n4, p5 = n5, p6 = n6, p7 = n7;
                        n0 = Step(ref nodes, ref x0, n0);
                        n1 = Step(ref nodes, ref x1, n1);
                        n2 = Step(ref nodes, ref x2, n2);
                        n3 = Step(ref nodes, ref x3, n3);
                        n4 = Step(ref nodes, ref x4, n4);
                        n5 = Step(ref nodes, ref x5, n5);
                        n6 = Step(ref nodes, ref x6, n6);
                        n7 = Step(ref nodes, ref x7, n7);

                        // Leaves loop to themselves: once no walk moved, all eight are done.
                        if (((p0 ^ n0) | (p1 ^ n1) | (p2 ^ n2) | (p3 ^ n3) | (p4 ^ n4) | (p5 ^ n5) | (p6 ^ n6) | (p7 ^ n7)) == 0)
                        {
                            break;
                        }
                    }

                    ref var s0 = ref scores[(start + r) * stride];
                    Unsafe.Add(ref s0, _leafTarget[n0]) += _leafValue[n0];
                    Unsafe.Add(ref s0, stride + _leafTarget[n1]) += _leafValue[n1];
                    Unsafe.Add(ref s0, (2 * stride) + _leafTarget[n2]) += _leafValue[n2];
                    Unsafe.Add(ref s0, (3 * stride) + _leafTarget[n3]) += _leafValue[n3];
                    Unsafe.Add(ref s0, (4 * stride) + _leafTarget[n4]) += _leafValue[n4];
                    Unsafe.Add(ref s0, (5 * stride) + _leafTarget[n5]) += _leafValue[n5];
                    Unsafe.Add(ref s0, (6 * stride) + _leafTarget[n6]) += _leafValue[n6];
                    Unsafe.Add(ref s0, (7 * stride) + _leafTarget[n7]) += _leafValue[n7];
                }

                for (; r < n; r++)
                {
                    ref var x = ref Unsafe.Add(ref b, r * w);
                    var node = root;
                    for (var step = 0; step < d; step++)
                    {
                        node = Step(ref nodes, ref x, node);
                    }

                    scores[((start + r) * stride) + _leafTarget[node]] += _leafValue[node];
                }
            }
        }
    }

    /// <summary>One branch-free step: the true child is Next, the false child Next + 1; NaN compares false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Step(ref TreeNode nodes, ref double x, int node)
    {
        ref readonly var n = ref Unsafe.Add(ref nodes, node);
        var right = !(Unsafe.Add(ref x, n.Feature) <= n.Value);
        return n.Next + Unsafe.BitCast<bool, byte>(right);
    }

    private void AddLeaf(int leaf, Span<double> scores, Aggregate aggregate)
    {
        if (_singleWeight)
        {
            Add(ref scores[_nodes[leaf].Next], _nodes[leaf].Value, aggregate);
            return;
        }

        var start = _nodes[leaf].Next;
        var end = start + _leafCount[leaf];
        for (var w = start; w < end; w++)
        {
            Add(ref scores[_weightTarget[w]], _weight[w], aggregate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(ref double s, double v, Aggregate aggregate)
    {
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

    /// <summary>The hot loop for the common case (scikit-learn, Spark): only "x &lt;= threshold" and no missing-value tracks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindLeafLeq(int node, ReadOnlySpan<double> x)
    {
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var features = ref MemoryMarshal.GetReference(x);
        while (true)
        {
            ref readonly var n = ref Unsafe.Add(ref nodes, node);
            var f = n.Feature;
            if (f < 0)
            {
                return node;
            }

            // The builder checked every feature index against the row width the caller validated.
            node = Unsafe.Add(ref features, f) <= n.Value ? n.Next : n.Next + 1;
        }
    }

    private int FindLeaf(int node, ReadOnlySpan<double> x)
    {
        while (true)
        {
            ref readonly var n = ref _nodes[node];
            if (n.Feature < 0)
            {
                return node;
            }

            var v = x[n.Feature];
            var t = n.Value;
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

            node = go ? n.Next : n.Next + 1;
        }
    }
}
