namespace NgsiFlow.Cli.Pipelines.Regimes;

/// <summary>
/// A machine's feature state, kept per machine by the job: the previous temperature and the last ten readings, from
/// which the models' features are made exactly as tools/models/regimes.py made them for training
/// (<c>temperature_change</c> = this minus the previous reading, 0 for the first; <c>temperature_mean10</c> = the mean
/// of the last ten readings including this one, fewer at the start).
/// </summary>
internal sealed class RegimeFeatures
{
    /// <summary>How many readings the mean covers.</summary>
    public const int Window = 10;

    /// <summary>The last readings, a ring (public for the engine's state snapshots).</summary>
    public double[] Last { get; set; } = new double[Window];

    /// <summary>Readings seen, up to <see cref="Window"/>.</summary>
    public int Count { get; set; }

    /// <summary>Where the next reading goes in <see cref="Last"/>.</summary>
    public int Next { get; set; }

    /// <summary>The previous reading (valid when <see cref="Count"/> &gt; 0).</summary>
    public double Previous { get; set; }

    /// <summary>Adds a reading and writes the model features (temperature, change, mean10).</summary>
    /// <param name="temperature">The reading.</param>
    /// <param name="features">Three values.</param>
    public void Add(double temperature, Span<double> features)
    {
        var change = Count == 0 ? 0.0 : temperature - Previous;
        Last[Next] = temperature;
        Next = (Next + 1) % Window;
        Count = Math.Min(Count + 1, Window);
        Previous = temperature;

        // Summed the way numpy's mean sums a short array (eight partial sums, paired, then the rest in order), so
        // the features match the training data to the last digit.
        Span<double> window = stackalloc double[Window];
        var first = (Next - Count + Window) % Window;
        for (var i = 0; i < Count; i++)
        {
            window[i] = Last[(first + i) % Window];
        }

        double sum;
        if (Count < 8)
        {
            sum = 0.0;
            for (var i = 0; i < Count; i++)
            {
                sum += window[i];
            }
        }
        else
        {
            sum = ((window[0] + window[1]) + (window[2] + window[3])) + ((window[4] + window[5]) + (window[6] + window[7]));
            for (var i = 8; i < Count; i++)
            {
                sum += window[i];
            }
        }

        features[0] = temperature;
        features[1] = change;
        features[2] = sum / Count;
    }
}
