namespace NgsiFlow.Inference.Internal;

/// <summary>A value flowing through a graph: a tensor, or the sequence of maps ZipMap produces.</summary>
internal abstract class OnnxValue
{
}

/// <summary>
/// A dense tensor. Numeric elements are held as doubles whatever the element type: every kernel then has
/// one implementation, and <see cref="ElementTypes.Narrow(ElementType, double)"/> gives each result its
/// type's precision and wrap-around. Doubles hold every int32 exactly and int64 up to 2^53.
/// </summary>
internal sealed class Tensor : OnnxValue
{
    public Tensor(ElementType type, int[] shape, double[] numbers)
    {
        Type = type;
        Shape = shape;
        Numbers = numbers;
        Strings = [];
        Length = numbers.Length;
    }

    public Tensor(int[] shape, string[] strings)
    {
        Type = ElementType.String;
        Shape = shape;
        Numbers = [];
        Strings = strings;
        Length = strings.Length;
    }

    public ElementType Type { get; }

    public int[] Shape { get; }

    public double[] Numbers { get; }

    public string[] Strings { get; }

    public int Length { get; }

    public int Rank => Shape.Length;

    public bool IsString => Type == ElementType.String;

    public static int SizeOf(ReadOnlySpan<int> shape)
    {
        var n = 1;
        foreach (var d in shape)
        {
            n = checked(n * d);
        }

        return n;
    }

    public static Tensor Scalar(ElementType type, double value) => new(type, [], [ElementTypes.Narrow(type, value)]);

    public static Tensor Vector(ElementType type, double[] values) => new(type, [values.Length], values);

    public static Tensor Empty(ElementType type, int[] shape) => type == ElementType.String
        ? new Tensor(shape, new string[SizeOf(shape)])
        : new Tensor(type, shape, new double[SizeOf(shape)]);

    public Tensor WithShape(int[] shape) => IsString ? new Tensor(shape, Strings) : new Tensor(Type, shape, Numbers);

    public long[] ToInt64Array()
    {
        var r = new long[Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = (long)Numbers[i];
        }

        return r;
    }

    public override string ToString() => $"tensor({ElementTypes.Name(Type)})[{string.Join(",", Shape)}]";
}

/// <summary>A sequence of maps (class label to score), one per row: ZipMap's output.</summary>
internal sealed class MapSequence : OnnxValue
{
    public MapSequence(string[]? stringKeys, long[]? intKeys, double[][] rows)
    {
        StringKeys = stringKeys;
        IntKeys = intKeys;
        Rows = rows;
    }

    public string[]? StringKeys { get; }

    public long[]? IntKeys { get; }

    public double[][] Rows { get; }
}

/// <summary>Operations on values that hold one entry per row.</summary>
internal static class OnnxValues
{
    /// <summary>Joins values computed on consecutive chunks of rows, or returns null when one is not row-major over its chunk.</summary>
    public static OnnxValue? JoinRows(OnnxValue[] pieces, int[] rows)
    {
        if (pieces.All(p => p is MapSequence))
        {
            var maps = pieces.Cast<MapSequence>().ToArray();
            return new MapSequence(maps[0].StringKeys, maps[0].IntKeys, maps.SelectMany(m => m.Rows).ToArray());
        }

        var tensors = pieces.OfType<Tensor>().ToArray();
        if (tensors.Length != pieces.Length)
        {
            return null;
        }

        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i].Rank == 0 || tensors[i].Shape[0] != rows[i] || tensors[i].Type != tensors[0].Type
                || !tensors[i].Shape.AsSpan(1).SequenceEqual(tensors[0].Shape.AsSpan(1)))
            {
                return null;
            }
        }

        int[] shape = [rows.Sum(), .. tensors[0].Shape.AsSpan(1)];
        return tensors[0].IsString
            ? new Tensor(shape, tensors.SelectMany(t => t.Strings).ToArray())
            : new Tensor(tensors[0].Type, shape, tensors.SelectMany(t => t.Numbers).ToArray());
    }
}
