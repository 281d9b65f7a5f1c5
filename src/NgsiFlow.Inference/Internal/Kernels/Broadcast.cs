namespace NgsiFlow.Inference.Internal.Kernels;

/// <summary>Numpy-style multidirectional broadcasting for element-wise operators.</summary>
internal static class Broadcast
{
    public static int[] Shape(int[] a, int[] b, string what)
    {
        var rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            var db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new InvalidOperationException($"{what}: shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast.");
            }

            r[i] = da == 1 ? db : da;
        }

        return r;
    }

    /// <summary>Strides of <paramref name="shape"/> laid out in <paramref name="outShape"/>; 0 where broadcast.</summary>
    public static int[] Strides(int[] shape, int[] outShape)
    {
        var rank = outShape.Length;
        var strides = new int[rank];
        var s = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            var o = i + rank - shape.Length;
            strides[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : s;
            s *= shape[i];
        }

        return strides;
    }

    public static double[] Apply(Tensor a, Tensor b, int[] outShape, Func<double, double, double> f)
    {
        var n = Tensor.SizeOf(outShape);
        var r = new double[n];
        var x = a.Numbers;
        var y = b.Numbers;
        if (a.Length == n && b.Length == n)
        {
            for (var i = 0; i < n; i++)
            {
                r[i] = f(x[i], y[i]);
            }

            return r;
        }

        if (b.Length == 1 && a.Length == n)
        {
            var c = y[0];
            for (var i = 0; i < n; i++)
            {
                r[i] = f(x[i], c);
            }

            return r;
        }

        var sa = Strides(a.Shape, outShape);
        var sb = Strides(b.Shape, outShape);
        var rank = outShape.Length;
        var index = new int[rank];
        int ia = 0, ib = 0;
        for (var i = 0; i < n; i++)
        {
            r[i] = f(x[ia], y[ib]);
            for (var d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                ia += sa[d];
                ib += sb[d];
                if (index[d] < outShape[d])
                {
                    break;
                }

                ia -= sa[d] * outShape[d];
                ib -= sb[d] * outShape[d];
                index[d] = 0;
            }
        }

        return r;
    }
}
