namespace NgsiFlow.Cli.Pipelines.Detector;

/// <summary>
/// A synthetic but plausible readout of four drift-tube chambers stacked on top of each other, orbit after orbit.
/// </summary>
/// <remarks>
/// Choices (see docs/pipelines.md): each orbit (3,564 bunch crossings of 25 ns) carries a cosmic muon with probability
/// <see cref="MuonProbability"/>. A muon crosses every chamber at nearly the same cell (16 cells of 4 layers; channel =
/// 4 × cell + layer), leaving one hit per layer with 95 % efficiency, and fires the trigger (channel 139 on FPGA 0).
/// Its hits share the bunch crossing of the trigger plus a drift time of up to 390 ns (16 bunch crossings), split
/// into BX_COUNTER and TDC_MEAS (30 steps per bunch crossing). Every orbit also has Poisson noise (mean
/// <see cref="NoisePerOrbit"/>) on random channels of both FPGAs, and 1 % of orbits an ancillary record (HEAD 0 or 1).
/// Hits have HEAD 2. ORBIT_CNT starts at a random 32-bit value and increases by one per orbit.
/// </remarks>
internal sealed class HitGenerator
{
    private readonly Random _random;
    private readonly List<DetectorHit> _pending = new(32);
    private int _next;
    private long _orbit;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">Seed of the random numbers: the same seed gives the same records.</param>
    public HitGenerator(int seed = 1)
    {
        _random = new Random(seed);
        _orbit = 3_800_000_000L + _random.Next(0, 1_000_000);
    }

    /// <summary>Probability that an orbit carries a muon.</summary>
    public double MuonProbability { get; init; } = 0.3;

    /// <summary>Mean number of noise hits per orbit over both FPGAs.</summary>
    public double NoisePerOrbit { get; init; } = 1.5;

    /// <summary>The orbit the next record belongs to.</summary>
    public long Orbit => _orbit;

    /// <summary>The next record.</summary>
    /// <returns>The record.</returns>
    public DetectorHit Next()
    {
        while (_next >= _pending.Count)
        {
            _pending.Clear();
            _next = 0;
            GenerateOrbit();
        }

        return _pending[_next++];
    }

    /// <summary>Fills <paramref name="hits"/> with the next records.</summary>
    /// <param name="hits">Where to write.</param>
    public void Fill(Span<DetectorHit> hits)
    {
        for (var i = 0; i < hits.Length; i++)
        {
            hits[i] = Next();
        }
    }

    private void GenerateOrbit()
    {
        _orbit++;
        if (_random.NextDouble() < MuonProbability)
        {
            var bx = _random.Next(0, 3564 - 20);
            _pending.Add(new DetectorHit(DetectorHit.HitHead, 0, DetectorHit.TriggerChannel, _orbit, bx, _random.Next(0, 30)));
            var cell = _random.Next(0, 16);
            for (var chamber = 0; chamber < DetectorHit.ChamberCount; chamber++)
            {
                // A straight track drifts by at most one cell from one chamber to the next.
                var here = Math.Clamp(cell + _random.Next(-1, 2), 0, 15);
                for (var layer = 0; layer < 4; layer++)
                {
                    if (_random.NextDouble() < 0.95)
                    {
                        var channel = (4 * here) + layer + ((chamber % 2) * DetectorHit.ChannelsPerChamber);
                        var drift = _random.Next(0, 16 * 30);
                        var fine = (bx * 30) + _random.Next(0, 30) + drift;
                        _pending.Add(new DetectorHit(DetectorHit.HitHead, chamber / 2, channel, _orbit, fine / 30, fine % 30));
                    }
                }
            }
        }

        var noise = Poisson(NoisePerOrbit);
        for (var i = 0; i < noise; i++)
        {
            _pending.Add(new DetectorHit(DetectorHit.HitHead, _random.Next(0, 2), _random.Next(0, 128), _orbit, _random.Next(0, 3564), _random.Next(0, 30)));
        }

        if (_random.NextDouble() < 0.01)
        {
            _pending.Add(new DetectorHit(_random.Next(0, 2), _random.Next(0, 2), _random.Next(0, 140), _orbit, _random.Next(0, 3564), _random.Next(0, 30)));
        }
    }

    private int Poisson(double mean)
    {
        // Knuth's method: fine for the small means used here.
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = _random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= _random.NextDouble();
        }

        return k;
    }
}
