using System.Globalization;

namespace NgsiFlow.Inference.Internal.Ml;

/// <summary>Reads the node and weight attributes of a tree operator, checks them, and builds a <see cref="TreeEnsemble"/>.</summary>
internal static class TreeEnsembleBuilder
{
    public static TreeEnsemble Build(NodeContext ctx, string weightPrefix, int scoreCount)
    {
        var treeIds = Required(ctx, "nodes_treeids");
        var nodeIds = Required(ctx, "nodes_nodeids");
        var featureIds = Required(ctx, "nodes_featureids");
        var modes = ctx.Strings("nodes_modes") ?? throw ctx.Error("attribute 'nodes_modes' is required.");
        var values = ctx.Numbers("nodes_values", "nodes_values_as_tensor") ?? throw ctx.Error("attribute 'nodes_values' is required.");
        var trueIds = Required(ctx, "nodes_truenodeids");
        var falseIds = Required(ctx, "nodes_falsenodeids");
        var missing = ctx.Ints("nodes_missing_value_tracks_true");
        var n = treeIds.Length;
        if (nodeIds.Length != n || featureIds.Length != n || modes.Length != n || values.Length != n || trueIds.Length != n || falseIds.Length != n || (missing is not null && missing.Length != 0 && missing.Length != n))
        {
            throw ctx.Error($"the nodes_* attributes do not all have {n} entries.");
        }

        var index = new Dictionary<(long Tree, long Node), int>(n);
        for (var i = 0; i < n; i++)
        {
            if (!index.TryAdd((treeIds[i], nodeIds[i]), i))
            {
                throw ctx.Error($"tree {treeIds[i]} has node {nodeIds[i]} twice.");
            }
        }

        var mode = new NodeMode[n];
        var feature = new int[n];
        var yes = new int[n];
        var no = new int[n];
        var missingTrue = new bool[n];
        var referenced = new bool[n];
        var featureCount = 0;
        for (var i = 0; i < n; i++)
        {
            mode[i] = modes[i] switch
            {
                "LEAF" => NodeMode.Leaf,
                "BRANCH_LEQ" => NodeMode.BranchLeq,
                "BRANCH_LT" => NodeMode.BranchLt,
                "BRANCH_GTE" => NodeMode.BranchGte,
                "BRANCH_GT" => NodeMode.BranchGt,
                "BRANCH_EQ" => NodeMode.BranchEq,
                "BRANCH_NEQ" => NodeMode.BranchNeq,
                _ => throw ctx.Error($"node mode '{modes[i]}' (tree {treeIds[i]}, node {nodeIds[i]}) is not supported."),
            };
            missingTrue[i] = missing is { Length: > 0 } && missing[i] != 0;
            if (mode[i] == NodeMode.Leaf)
            {
                feature[i] = -1;
                continue;
            }

            if (featureIds[i] < 0)
            {
                throw ctx.Error($"tree {treeIds[i]}, node {nodeIds[i]}: negative feature id.");
            }

            feature[i] = (int)featureIds[i];
            featureCount = Math.Max(featureCount, feature[i] + 1);
            yes[i] = Child(ctx, index, treeIds[i], trueIds[i], nodeIds[i]);
            no[i] = Child(ctx, index, treeIds[i], falseIds[i], nodeIds[i]);
            foreach (var child in (ReadOnlySpan<int>)[yes[i], no[i]])
            {
                // One parent per node keeps every walk finite: no cycle can be reached from a root.
                if (referenced[child] || child == i)
                {
                    throw ctx.Error($"tree {treeIds[i]}: node {nodeIds[child]} has more than one parent.");
                }

                referenced[child] = true;
            }
        }

        // Roots: nodes no other node points to, one per tree, in order of first appearance of the tree id.
        var roots = new List<int>();
        var rootOfTree = new Dictionary<long, int>();
        for (var i = 0; i < n; i++)
        {
            if (referenced[i])
            {
                continue;
            }

            if (!rootOfTree.TryAdd(treeIds[i], i))
            {
                throw ctx.Error($"tree {treeIds[i]} has more than one root (nodes {nodeIds[rootOfTree[treeIds[i]]]} and {nodeIds[i]}).");
            }

            roots.Add(i);
        }

        // Leaf weights, grouped per leaf so a leaf's weights form one contiguous range.
        var wTree = Required(ctx, weightPrefix + "_treeids");
        var wNode = Required(ctx, weightPrefix + "_nodeids");
        var wId = Required(ctx, weightPrefix + "_ids");
        var wValue = ctx.Numbers(weightPrefix + "_weights", weightPrefix + "_weights_as_tensor") ?? throw ctx.Error($"attribute '{weightPrefix}_weights' is required.");
        if (wNode.Length != wTree.Length || wId.Length != wTree.Length || wValue.Length != wTree.Length)
        {
            throw ctx.Error($"the {weightPrefix}_* attributes do not all have {wTree.Length} entries.");
        }

        var perLeaf = new List<(int Target, double Weight)>[n];
        for (var i = 0; i < wTree.Length; i++)
        {
            if (!index.TryGetValue((wTree[i], wNode[i]), out var leaf))
            {
                throw ctx.Error($"a weight refers to tree {wTree[i]}, node {wNode[i]}, which does not exist.");
            }

            if (mode[leaf] != NodeMode.Leaf)
            {
                throw ctx.Error($"a weight refers to tree {wTree[i]}, node {wNode[i]}, which is not a leaf.");
            }

            if (wId[i] < 0 || wId[i] >= scoreCount)
            {
                throw ctx.Error($"a weight targets {weightPrefix} id {wId[i]}, outside 0..{scoreCount - 1}.");
            }

            (perLeaf[leaf] ??= []).Add(((int)wId[i], wValue[i]));
        }

        // Breadth-first layout per tree, the two children of a branch in adjacent slots.
        var newIndex = new int[n];
        var order = new List<int>(n);
        var queue = new Queue<int>();
        foreach (var root in roots)
        {
            newIndex[root] = order.Count;
            order.Add(root);
            queue.Enqueue(root);
            while (queue.Count > 0)
            {
                var i = queue.Dequeue();
                if (mode[i] == NodeMode.Leaf)
                {
                    continue;
                }

                foreach (var child in (ReadOnlySpan<int>)[yes[i], no[i]])
                {
                    newIndex[child] = order.Count;
                    order.Add(child);
                    queue.Enqueue(child);
                }
            }
        }

        var nodes = new TreeNode[order.Count];
        var modes2 = new NodeMode[order.Count];
        var missing2 = new bool[order.Count];
        var leafCount = new int[order.Count];
        var targets = new List<int>(wTree.Length);
        var weights = new List<double>(wTree.Length);
        for (var k = 0; k < order.Count; k++)
        {
            var i = order[k];
            modes2[k] = mode[i];
            missing2[k] = missingTrue[i];
            if (mode[i] == NodeMode.Leaf)
            {
                nodes[k] = new TreeNode { Value = 0, Feature = -1, Next = targets.Count };
                leafCount[k] = perLeaf[i]?.Count ?? 0;
                foreach (var (t, w) in perLeaf[i] ?? [])
                {
                    targets.Add(t);
                    weights.Add(w);
                }
            }
            else
            {
                nodes[k] = new TreeNode { Value = values[i], Feature = feature[i], Next = newIndex[yes[i]] };
            }
        }

        return new TreeEnsemble(nodes, [.. roots.Select(r => newIndex[r])], modes2, missing2, leafCount, [.. targets], [.. weights], featureCount);
    }

    private static long[] Required(NodeContext ctx, string name) =>
        ctx.Ints(name) ?? throw ctx.Error($"attribute '{name}' is required.");

    private static int Child(NodeContext ctx, Dictionary<(long, long), int> index, long tree, long child, long parent) =>
        index.TryGetValue((tree, child), out var i)
            ? i
            : throw ctx.Error($"tree {tree.ToString(CultureInfo.InvariantCulture)}, node {parent.ToString(CultureInfo.InvariantCulture)} points to node {child.ToString(CultureInfo.InvariantCulture)}, which does not exist.");
}
