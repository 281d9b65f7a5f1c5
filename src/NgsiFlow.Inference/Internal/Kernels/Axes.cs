namespace NgsiFlow.Inference.Internal.Kernels;

internal static class Axes
{
    public static int Normalize(long axis, int rank, string what)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1) && !(rank == 0 && a == 0))
        {
            throw new InvalidOperationException($"{what}: axis {axis} is out of range for rank {rank}.");
        }

        return (int)a;
    }

    /// <summary>Product of dimensions in [from, to).</summary>
    public static int Product(int[] shape, int from, int to)
    {
        var p = 1;
        for (var i = from; i < to; i++)
        {
            p *= shape[i];
        }

        return p;
    }

    public static int[] RowMajorStrides(int[] shape)
    {
        var s = new int[shape.Length];
        var acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }

        return s;
    }
}
