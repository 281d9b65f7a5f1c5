using System.Diagnostics;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>
/// The books of one replay: when each update was sent, what the job predicted for it, whether the broker confirmed
/// the write-back, and when (and with which values) the prediction was seen on the broker. Every figure of the summary
/// comes from here; a prediction counts only once it was both confirmed and read back from the broker with the value
/// the job computed.
/// </summary>
internal sealed class ConcreteTracker
{
    private const double Tolerance = 1e-9;
    private readonly Lock _lock = new();
    private readonly long[] _sentAt;
    private readonly double[] _predicted;
    private readonly double[] _actual;
    private readonly bool[] _confirmed;
    private readonly long[] _confirmedAt;
    private readonly long[] _observedAt;
    private readonly bool[] _counted;
    private long _sent;
    private long _confirmedCount;
    private long _observedCount;
    private long _written;
    private long _mismatched;
    private long _duplicates;
    private long _firstSent;
    private long _lastWritten;
    private double _sumAbs;

    public ConcreteTracker(int updates)
    {
        Updates = updates;
        _sentAt = new long[updates];
        _predicted = new double[updates];
        _actual = new double[updates];
        _confirmed = new bool[updates];
        _confirmedAt = new long[updates];
        _observedAt = new long[updates];
        _counted = new bool[updates];
        Array.Fill(_predicted, double.NaN);
    }

    /// <summary>Raised (under no lock) when a prediction has been confirmed and read back: update, actual, predicted, running MAE.</summary>
    public event Action<int, double, double, double>? Written;

    /// <summary>Updates the replay will send.</summary>
    public int Updates { get; }

    public long Sent => Interlocked.Read(ref _sent);

    public long Confirmed => Interlocked.Read(ref _confirmedCount);

    public long Observed => Interlocked.Read(ref _observedCount);

    /// <summary>Predictions confirmed by the broker and read back from it with the job's values.</summary>
    public long WrittenCount => Interlocked.Read(ref _written);

    /// <summary>Predictions read back with values other than the job's.</summary>
    public long Mismatched => Interlocked.Read(ref _mismatched);

    /// <summary>Predictions seen on the broker more than once.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    public double RunningMae
    {
        get
        {
            lock (_lock)
            {
                return _written == 0 ? double.NaN : _sumAbs / _written;
            }
        }
    }

    public bool IsComplete => WrittenCount + Mismatched >= Updates;

    /// <summary>The update is about to be sent.</summary>
    public void Sending(int update)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstSent, now, 0);
        Volatile.Write(ref _sentAt[update], now);
    }

    /// <summary>The broker accepted the update.</summary>
    public void Accepted() => Interlocked.Increment(ref _sent);

    /// <summary>The job predicted <paramref name="predicted"/> for the update whose measured strength is <paramref name="actual"/>.</summary>
    public void Predicted(int update, double predicted, double actual)
    {
        lock (_lock)
        {
            _predicted[update] = predicted;
            _actual[update] = actual;
        }
    }

    /// <summary>The broker confirmed the write-back of the update's prediction.</summary>
    public void Confirm(int update)
    {
        var now = Stopwatch.GetTimestamp();
        bool counted;
        lock (_lock)
        {
            if (_confirmed[update])
            {
                return;
            }

            _confirmed[update] = true;
            _confirmedAt[update] = now;
            _confirmedCount++;
            counted = TryCount(update);
        }

        RaiseWritten(update, counted);
    }

    /// <summary>The update's prediction was seen on the broker with these values.</summary>
    public void Observe(int update, double predicted, double error)
    {
        var now = Stopwatch.GetTimestamp();
        bool counted;
        lock (_lock)
        {
            if (_observedAt[update] != 0)
            {
                _duplicates++;
                return;
            }

            _observedAt[update] = now;
            _observedCount++;
            var expected = _predicted[update];
            if (double.IsNaN(expected) || !Close(predicted, expected) || !Close(error, Math.Abs(expected - _actual[update])))
            {
                _mismatched++;
                return;
            }

            counted = TryCount(update);
        }

        RaiseWritten(update, counted);
    }

    /// <summary>The job's prediction for an update (NaN when none).</summary>
    public double PredictionOf(int update)
    {
        lock (_lock)
        {
            return _predicted[update];
        }
    }

    /// <summary>
    /// The latencies of the counted predictions in milliseconds: sent → write-back confirmed by the broker (from then on
    /// the prediction is readable there), or with <paramref name="readBack"/> sent → seen in the read-back notification.
    /// </summary>
    public List<double> Latencies(bool readBack)
    {
        var result = new List<double>(Updates);
        lock (_lock)
        {
            for (var i = 0; i < Updates; i++)
            {
                if (_counted[i])
                {
                    result.Add(Stopwatch.GetElapsedTime(_sentAt[i], readBack ? _observedAt[i] : _confirmedAt[i]).TotalMilliseconds);
                }
            }
        }

        return result;
    }

    /// <summary>First update sent → last prediction counted, in seconds.</summary>
    public double ReplaySeconds
    {
        get
        {
            var first = Interlocked.Read(ref _firstSent);
            var last = Interlocked.Read(ref _lastWritten);
            return first == 0 || last == 0 ? double.NaN : Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        }
    }

    /// <summary>MAE, RMSE and R² over the counted predictions.</summary>
    public (double Mae, double Rmse, double R2) Scores()
    {
        lock (_lock)
        {
            if (_written == 0)
            {
                return (double.NaN, double.NaN, double.NaN);
            }

            // Two passes over the counted rows for R²: the running sums would lose digits in SStot.
            double mean = 0, ssTot = 0, ssRes = 0, abs = 0;
            var n = 0;
            for (var i = 0; i < Updates; i++)
            {
                if (_counted[i])
                {
                    mean += _actual[i];
                    n++;
                }
            }

            mean /= n;
            for (var i = 0; i < Updates; i++)
            {
                if (_counted[i])
                {
                    var residual = _actual[i] - _predicted[i];
                    abs += Math.Abs(residual);
                    ssRes += residual * residual;
                    ssTot += (_actual[i] - mean) * (_actual[i] - mean);
                }
            }

            return (abs / n, Math.Sqrt(ssRes / n), ssTot == 0 ? double.NaN : 1 - (ssRes / ssTot));
        }
    }

    /// <summary>The rows counted, for comparisons with a reference.</summary>
    public IEnumerable<(int Update, double Predicted, double Actual)> Counted()
    {
        lock (_lock)
        {
            var list = new List<(int, double, double)>();
            for (var i = 0; i < Updates; i++)
            {
                if (_counted[i])
                {
                    list.Add((i, _predicted[i], _actual[i]));
                }
            }

            return list;
        }
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= Tolerance * Math.Max(1, Math.Abs(b));

    private bool TryCount(int update)
    {
        if (_counted[update] || !_confirmed[update] || _observedAt[update] == 0)
        {
            return false;
        }

        _counted[update] = true;
        _written++;
        _sumAbs += Math.Abs(_actual[update] - _predicted[update]);
        Interlocked.Exchange(ref _lastWritten, Stopwatch.GetTimestamp());
        return true;
    }

    private void RaiseWritten(int update, bool counted)
    {
        if (counted && Written is { } handler)
        {
            double actual, predicted, mae;
            lock (_lock)
            {
                actual = _actual[update];
                predicted = _predicted[update];
                mae = _sumAbs / _written;
            }

            handler(update, actual, predicted, mae);
        }
    }
}
