using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NgsiFlow.Engine;

/// <summary>
/// A hash of keys that is the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>),
/// so that lanes, partitions and snapshots agree between a worker and its successor.
/// </summary>
public static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    /// <summary>Hashes a key: strings by their UTF-16 code units, integers and GUIDs by value, other types through
    /// <see cref="IStableHashable"/> or, as a last resort, their <see cref="object.ToString"/> text.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The hash.</returns>
    public static uint Of<TKey>(TKey key)
        where TKey : notnull
    {
        // typeof checks compile away per value type, so hashing an int key neither boxes nor allocates.
        if (typeof(TKey) == typeof(int))
        {
            return Mix((uint)Unsafe.As<TKey, int>(ref key));
        }

        if (typeof(TKey) == typeof(long))
        {
            var l = Unsafe.As<TKey, long>(ref key);
            return Mix((uint)l ^ (uint)(l >> 32));
        }

        if (typeof(TKey) == typeof(uint))
        {
            return Mix(Unsafe.As<TKey, uint>(ref key));
        }

        if (typeof(TKey) == typeof(ulong))
        {
            var ul = Unsafe.As<TKey, ulong>(ref key);
            return Mix((uint)ul ^ (uint)(ul >> 32));
        }

        if (typeof(TKey) == typeof(Guid))
        {
            var g = Unsafe.As<TKey, Guid>(ref key);
            return OfBytes(MemoryMarshal.AsBytes(new ReadOnlySpan<Guid>(in g)));
        }

        return key switch
        {
            string s => OfString(s),
            short sh => Mix((uint)sh),
            byte b => Mix(b),
            IStableHashable h => h.GetStableHash(),
            _ => OfString(key.ToString() ?? string.Empty),
        };
    }

    /// <summary>The partition (0 to <paramref name="partitionCount"/> - 1) of a key.</summary>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="partitionCount">The number of partitions.</param>
    /// <returns>The partition.</returns>
    public static int PartitionOf<TKey>(TKey key, int partitionCount)
        where TKey : notnull => (int)(Of(key) % (uint)partitionCount);

    private static uint OfString(string s)
    {
        var hash = OffsetBasis;
        foreach (var c in s)
        {
            hash = (hash ^ c) * Prime;
        }

        return Mix(hash);
    }

    private static uint OfBytes(ReadOnlySpan<byte> bytes)
    {
        var hash = OffsetBasis;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * Prime;
        }

        return Mix(hash);
    }

    // A finalizer (from MurmurHash3) so that consecutive integers spread over lanes and partitions.
    private static uint Mix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}

/// <summary>A key type that provides its own process-independent hash for <see cref="StableHash"/>.</summary>
public interface IStableHashable
{
    /// <summary>A hash that is equal for equal keys in every process.</summary>
    /// <returns>The hash.</returns>
    uint GetStableHash();
}
