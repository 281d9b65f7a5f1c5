namespace NgsiFlow.Cli.Pipelines.Regimes;

/// <summary>
/// A machine's temperature with regime changes, the process the regime models were trained on
/// (tools/models/regimes.py): idle near 35 °C, working near 60 °C, overload near 85 °C; the machine switches to
/// another regime after 80 to 300 readings, and each reading moves 15 % of the way to the regime's level plus
/// Gaussian noise (standard deviation 0.8 °C idle, 1.8 °C working, 2.8 °C overload).
/// </summary>
internal sealed class TemperatureGenerator
{
    private static readonly double[] Levels = [35.0, 60.0, 85.0];
    private readonly Random _random;
    private double _temperature = 35.0;
    private int _left;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The same seed gives the same series.</param>
    /// <param name="minSegment">Shortest regime, in readings.</param>
    /// <param name="maxSegment">Longest regime, in readings (exclusive).</param>
    public TemperatureGenerator(int seed = 7, int minSegment = 80, int maxSegment = 300)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minSegment, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxSegment, minSegment);
        _random = new Random(seed);
        MinSegment = minSegment;
        MaxSegment = maxSegment;
    }

    /// <summary>Shortest regime, in readings.</summary>
    public int MinSegment { get; }

    /// <summary>Longest regime, in readings (exclusive).</summary>
    public int MaxSegment { get; }

    /// <summary>The current regime (0 idle, 1 working, 2 overload).</summary>
    public int Regime { get; private set; }

    /// <summary>Regime changes so far.</summary>
    public int Changes { get; private set; }

    /// <summary>The next temperature.</summary>
    /// <returns>Degrees Celsius.</returns>
    public double Next()
    {
        if (_left == 0)
        {
            // Another regime than the current one, with equal chances.
            Regime = (Regime + 1 + _random.Next(0, 2)) % 3;
            _left = _random.Next(MinSegment, MaxSegment);
            Changes++;
        }

        _left--;
        _temperature += (0.15 * (Levels[Regime] - _temperature)) + (Gaussian() * (0.8 + Regime));
        return _temperature;
    }

    private double Gaussian()
    {
        // Box-Muller.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
