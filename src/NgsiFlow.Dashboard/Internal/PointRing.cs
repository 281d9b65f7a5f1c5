using System.Text.Json;

namespace NgsiFlow.Dashboard.Internal;

/// <summary>
/// A fixed-capacity ring of points with <c>dimension</c> numbers each; adding to a full ring overwrites the
/// oldest point, which is what keeps every buffer of the dashboard bounded whatever the publishing rate.
/// Not thread-safe: owners lock around it.
/// </summary>
internal sealed class PointRing
{
    private readonly double[] _values;
    private readonly int _dimension;
    private readonly int _capacity;
    private int _start;

    public PointRing(int capacity, int dimension)
    {
        _capacity = capacity;
        _dimension = dimension;
        _values = new double[capacity * dimension];
    }

    /// <summary>How many points the ring holds.</summary>
    public int Count { get; private set; }

    /// <summary>How many points were overwritten before anyone read them.</summary>
    public long Overwritten { get; private set; }

    public void Add(ReadOnlySpan<double> point)
    {
        int slot;
        if (Count < _capacity)
        {
            slot = (_start + Count) % _capacity;
            Count++;
        }
        else
        {
            slot = _start;
            _start = (_start + 1) % _capacity;
            Overwritten++;
        }

        point.CopyTo(_values.AsSpan(slot * _dimension, _dimension));
    }

    public void AddAll(PointRing other)
    {
        for (var i = 0; i < other.Count; i++)
        {
            Add(other.Get(i));
        }
    }

    public ReadOnlySpan<double> Get(int index) => _values.AsSpan(((_start + index) % _capacity) * _dimension, _dimension);

    public void Clear()
    {
        _start = 0;
        Count = 0;
    }

    /// <summary>Writes the points as an array of arrays; non-finite numbers become null (JSON has no NaN).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        for (var i = 0; i < Count; i++)
        {
            writer.WriteStartArray();
            foreach (var v in Get(i))
            {
                JsonValues.WriteNumber(writer, v);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }
}
