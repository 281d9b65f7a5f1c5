namespace MachineRegimes;

public sealed record Reading(string Machine, DateTimeOffset Time, double Temperature);

public sealed record RegimePrediction(string Machine, DateTimeOffset Time, double Temperature, string Regime, double Probability);

/// <summary>A machine's state: its previous temperature and last ten readings (public properties: snapshots serialise them).</summary>
public sealed class Features
{
    public List<double> Last { get; set; } = [];

    /// <summary>Adds a reading; returns the change from the previous reading (0 for the first) and the mean of the last ten.</summary>
    public (double Change, double Mean10) Add(double temperature)
    {
        var change = Last.Count == 0 ? 0 : temperature - Last[^1];
        Last.Add(temperature);
        if (Last.Count > 10)
        {
            Last.RemoveAt(0);
        }

        return (change, Last.Average());
    }
}
