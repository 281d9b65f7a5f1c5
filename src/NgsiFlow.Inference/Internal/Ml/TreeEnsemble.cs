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
    private const int NodeBytes = 16;

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
    private readonly TreeNode[] _batchNodes;
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
            // Batch nodes hold byte offsets (child * 16, feature * BlockRows * 8): a step is then plain address arithmetic.
            _batchNodes = (TreeNode[])_uniformNodes.Clone();
            for (var i = 0; i < _batchNodes.Length; i++)
            {
                _batchNodes[i].Feature *= BlockRows * sizeof(double);
                _batchNodes[i].Next *= NodeBytes;
            }
        }
        else
        {
            _uniformNodes = [];
            _batchNodes = [];
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

    /// <summary>
    /// Many rows: each block of rows is copied feature-major (all rows' values of feature 0, then feature 1...)
    /// with the sentinel feature last, so one base address serves eight rows walking a tree in lockstep:
    /// row k of the eight reads base + feature * BlockRows + k, and the batch nodes hold feature * BlockRows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AccumulateRowsUniform(ReadOnlySpan<double> rows, int width, int count, Span<double> scores, int stride)
    {
        // 64 KB on the stack covers 63 features; wider rows take the block from the heap.
        var blockLength = (FeatureCount + 1) * BlockRows;
        Span<double> block = blockLength <= 8192 ? stackalloc double[blockLength] : new double[blockLength];
        block.Slice(FeatureCount * BlockRows, BlockRows).Clear();
        ref var nodes = ref Unsafe.As<TreeNode, byte>(ref MemoryMarshal.GetArrayDataReference(_batchNodes));
        ref var leafTarget = ref MemoryMarshal.GetArrayDataReference(_leafTarget);
        ref var leafValue = ref MemoryMarshal.GetArrayDataReference(_leafValue);
        for (var start = 0; start < count; start += BlockRows)
        {
            var n = Math.Min(count, start + BlockRows) - start;
            for (var r = 0; r < n; r++)
            {
                var row = rows.Slice((start + r) * width, FeatureCount);
                for (var f = 0; f < row.Length; f++)
                {
                    block[(f * BlockRows) + r] = row[f];
                }
            }

            ref var b = ref MemoryMarshal.GetReference(block);
            for (var t = 0; t < _roots.Length; t++)
            {
                var root = _roots[t];
                var d = _depth[t];
                var r = 0;
                for (; r + 8 <= n; r += 8)
                {
                    ref var x = ref Unsafe.As<double, byte>(ref Unsafe.Add(ref b, r));
                    var rootOffset = (nint)root * NodeBytes;
                    nint n0 = rootOffset, n1 = rootOffset, n2 = rootOffset, n3 = rootOffset, n4 = rootOffset, n5 = rootOffset, n6 = rootOffset, n7 = rootOffset;
                    for (var step = 0; step < d; step++)
                    {
                        // Each lane's old position dies as soon as it has moved, which keeps all eight in registers.
                        var next = BatchStep(ref nodes, ref x, 0, n0);
                        var moved = next ^ n0;
                        n0 = next;
                        next = BatchStep(ref nodes, ref x, 8, n1);
                        moved |= next ^ n1;
                        n1 = next;
                        next = BatchStep(ref nodes, ref x, 16, n2);
                        moved |= next ^ n2;
                        n2 = next;
                        next = BatchStep(ref nodes, ref x, 24, n3);
                        moved |= next ^ n3;
                        n3 = next;
                        next = BatchStep(ref nodes, ref x, 32, n4);
                        moved |= next ^ n4;
                        n4 = next;
                        next = BatchStep(ref nodes, ref x, 40, n5);
                        moved |= next ^ n5;
                        n5 = next;
                        next = BatchStep(ref nodes, ref x, 48, n6);
                        moved |= next ^ n6;
                        n6 = next;
                        next = BatchStep(ref nodes, ref x, 56, n7);
                        moved |= next ^ n7;
                        n7 = next;
                        if (moved == 0)
                        {
                            break; // leaves loop to themselves: all eight walks are done
                        }
                    }

                    ref var s0 = ref scores[(start + r) * stride];
                    AddLeafValue(ref s0, 0, n0, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, stride, n1, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 2 * stride, n2, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 3 * stride, n3, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 4 * stride, n4, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 5 * stride, n5, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 6 * stride, n6, ref leafTarget, ref leafValue);
                    AddLeafValue(ref s0, 7 * stride, n7, ref leafTarget, ref leafValue);
                }

                for (; r < n; r++)
                {
                    ref var x = ref Unsafe.As<double, byte>(ref Unsafe.Add(ref b, r));
                    var node = (nint)root * NodeBytes;
                    for (var step = 0; step < d; step++)
                    {
                        node = BatchStep(ref nodes, ref x, 0, node);
                    }

                    AddLeafValue(ref scores[(start + r) * stride], 0, node, ref leafTarget, ref leafValue);
                }
            }
        }
    }

    /// <summary>A step over the feature-major block, in byte offsets: row k of the group reads at x + feature + 8k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nint BatchStep(ref byte nodes, ref byte x, int rowBytes, nint node)
    {
        ref readonly var n = ref Unsafe.As<byte, TreeNode>(ref Unsafe.AddByteOffset(ref nodes, node));
        var v = Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref Unsafe.AddByteOffset(ref x, (nint)rowBytes), (nint)n.Feature));
        return n.Next + ((nint)Unsafe.BitCast<bool, byte>(!(v <= n.Value)) << 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddLeafValue(ref double scores, int offset, nint node, ref int leafTarget, ref double leafValue)
    {
        var leaf = node / NodeBytes;
        Unsafe.Add(ref scores, offset + Unsafe.Add(ref leafTarget, leaf)) += Unsafe.Add(ref leafValue, leaf);
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
