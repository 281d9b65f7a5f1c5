using System.Text;

namespace NgsiFlow.Cli.Commands.Bench.Fuzz;

/// <summary>
/// A seeded, deterministic mutator of request bodies: bit flips, deletions, insertions of structural bytes,
/// truncations, invalid UTF-8 sequences, duplicated keys, deep nesting and huge repeats. The same seed gives the same
/// cases in the same order, so a failure is reproduced from its seed and case number.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[] Structural = "{}[]\",:\\0123456789-.eE \t\ntruefalsenull"u8.ToArray();

    // Invalid or hostile UTF-8: lone continuation, truncated 2-byte, overlong '/', encoded surrogate, 5-byte lead,
    // bytes never valid, a NUL, a BOM in the middle.
    private static readonly byte[][] BadUtf8 =
    [
        [0x80], [0xC3], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xFE],
        [0x93], [0x00], [0xEF, 0xBB, 0xBF], [0xF4, 0x90, 0x80, 0x80],
    ];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    /// <summary>The next case: one to three mutations of <paramref name="input"/>.</summary>
    public byte[] Next(ReadOnlySpan<byte> input)
    {
        var bytes = new List<byte>(input.ToArray());
        var count = _random.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            Mutate(bytes);
        }

        return [.. bytes];
    }

    private void Mutate(List<byte> b)
    {
        var at = b.Count == 0 ? 0 : _random.Next(b.Count);
        switch (_random.Next(10))
        {
            case 0 when b.Count > 0:
                b[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when b.Count > 0:
                b.RemoveRange(at, Math.Min(b.Count - at, _random.Next(1, 16)));
                break;
            case 2:
                b.Insert(at, Structural[_random.Next(Structural.Length)]);
                break;
            case 3 when b.Count > 0:
                b.RemoveRange(at, b.Count - at);
                break;
            case 4:
            case 5:
                // Most interesting inside strings and property names: put it just after a quote when there is one.
                var quote = b.IndexOf((byte)'"', at);
                b.InsertRange(quote >= 0 ? quote + 1 : at, BadUtf8[_random.Next(BadUtf8.Length)]);
                break;
            case 6:
                DuplicateKey(b);
                break;
            case 7:
                var depth = _random.Next(2) == 0 ? _random.Next(50, 200) : _random.Next(1_000, 20_000);
                b.InsertRange(at, Enumerable.Repeat((byte)'[', depth));
                break;
            case 8 when b.Count > 0:
                var length = Math.Min(b.Count - at, _random.Next(1, 64));
                var slice = b.GetRange(at, length);
                var times = _random.Next(2) == 0 ? _random.Next(2, 50) : _random.Next(1_000, 20_000);
                for (var i = 0; i < times; i++)
                {
                    b.InsertRange(at, slice);
                }

                break;
            default:
                // A number out of every range a parser may map it to.
                var number = Encoding.ASCII.GetBytes(_random.Next(4) switch
                {
                    0 => "1e400",
                    1 => "-1e400",
                    2 => "123456789012345678901234567890",
                    _ => "0." + new string('9', 400),
                });
                b.InsertRange(at, number);
                break;
        }
    }

    private void DuplicateKey(List<byte> b)
    {
        // Repeat the first "key": of the body right after it, so that one object holds the key twice.
        var text = Encoding.Latin1.GetString([.. b]);
        var start = text.IndexOf("{\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return;
        }

        var colon = text.IndexOf("\":", start + 2, StringComparison.Ordinal);
        var end = colon < 0 ? -1 : text.IndexOfAny([',', '}'], colon);
        if (colon < 0 || end < 0)
        {
            return;
        }

        var pair = text[(start + 1)..end];
        b.InsertRange(start + 1, Encoding.Latin1.GetBytes(pair + ","));
    }
}
