namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>MatMul with numpy semantics: 1-D promotion and broadcast batch dimensions.</summary>
internal sealed class MatMulKernel : Kernel
{
    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var a = In(inputs, 0, "MatMul");
        var b = In(inputs, 1, "MatMul");
        var aShape = a.Rank == 1 ? new[] { 1, a.Shape[0] } : a.Shape;
        var bShape = b.Rank == 1 ? new[] { b.Shape[0], 1 } : b.Shape;
        int m = aShape[^2], k = aShape[^1], k2 = bShape[^2], n = bShape[^1];
        if (k != k2)
        {
            throw new InvalidOperationException($"MatMul: inner dimensions of {a} and {b} differ.");
        }

        var batch = Broadcast.Shape(aShape[..^2], bShape[..^2], "MatMul");
        var batchCount = Tensor.SizeOf(batch);
        var aBatch = Broadcast.Strides(aShape[..^2], batch);
        var bBatch = Broadcast.Strides(bShape[..^2], batch);
        var r = new double[batchCount * m * n];
        var index = new int[batch.Length];
        for (var t = 0; t < batchCount; t++)
        {
            int ao = 0, bo = 0, rem = t;
            for (var d = batch.Length - 1; d >= 0; d--)
            {
                index[d] = rem % batch[d];
                rem /= batch[d];
                ao += index[d] * aBatch[d];
                bo += index[d] * bBatch[d];
            }

            Multiply(a.Numbers.AsSpan(ao * m * k, m * k), b.Numbers.AsSpan(bo * k * n, k * n), r.AsSpan(t * m * n, m * n), m, k, n);
        }

        var shape = new List<int>(batch);
        if (a.Rank > 1)
        {
            shape.Add(m);
        }

        if (b.Rank > 1)
        {
            shape.Add(n);
        }

        ElementTypes.Narrow(a.Type, r);
        return One(new Tensor(a.Type, [.. shape], r));
    }

    /// <summary>C[m,n] = A[m,k] x B[k,n], row-major, i-k-j order so the inner loop runs along contiguous rows.</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (var p = 0; p < k; p++)
            {
                var av = a[(i * k) + p];
                if (av == 0)
                {
                    continue;
                }

                var brow = b.Slice(p * n, n);
                for (var j = 0; j < n; j++)
                {
                    row[j] += av * brow[j];
                }
            }
        }
    }
}

/// <summary>Gemm: alpha * A' * B' + beta * C, with optional transposes and a broadcast C.</summary>
internal sealed class GemmKernel : Kernel
{
    private readonly double _alpha;
    private readonly double _beta;
    private readonly bool _transA;
    private readonly bool _transB;

    public GemmKernel(NodeContext ctx)
    {
        _alpha = ctx.Float("alpha", 1f);
        _beta = ctx.Float("beta", 1f);
        _transA = ctx.Int("transA", 0) != 0;
        _transB = ctx.Int("transB", 0) != 0;
    }

    public override OnnxValue[] Run(OnnxValue?[] inputs)
    {
        var a = In(inputs, 0, "Gemm");
        var b = In(inputs, 1, "Gemm");
        var c = Optional(inputs, 2);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw new InvalidOperationException($"Gemm: A {a} and B {b} must be 2-D.");
        }

        int m = _transA ? a.Shape[1] : a.Shape[0];
        int k = _transA ? a.Shape[0] : a.Shape[1];
        int kb = _transB ? b.Shape[1] : b.Shape[0];
        int n = _transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
        {
            throw new InvalidOperationException($"Gemm: inner dimensions of A {a} and B {b} differ.");
        }

        var r = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = 0;
                for (var p = 0; p < k; p++)
                {
                    var av = _transA ? a.Numbers[(p * m) + i] : a.Numbers[(i * k) + p];
                    var bv = _transB ? b.Numbers[(j * k) + p] : b.Numbers[(p * n) + j];
                    sum += av * bv;
                }

                r[(i * n) + j] = _alpha * sum;
            }
        }

        if (c is not null && _beta != 0)
        {
            var cs = Broadcast.Strides(c.Shape, [m, n]);
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    r[(i * n) + j] += _beta * c.Numbers[(i * cs[0]) + (j * cs[1])];
                }
            }
        }

        ElementTypes.Narrow(a.Type, r);
        return One(new Tensor(a.Type, [m, n], r));
    }
}
