namespace NgsiFlow.Cli.Pipelines.Regimes;

/// <summary>One temperature reading of a machine.</summary>
/// <param name="Machine">The machine's id.</param>
/// <param name="Time">When it was measured.</param>
/// <param name="Temperature">Degrees Celsius.</param>
/// <param name="TrueRegime">The regime the generator was in (0 idle, 1 working, 2 overload), or -1 when unknown.</param>
internal sealed record MachineReading(string Machine, DateTimeOffset Time, double Temperature, int TrueRegime = -1);

/// <summary>The classifier's verdict on one reading.</summary>
/// <param name="Reading">The reading.</param>
/// <param name="TemperatureChange">Temperature minus the machine's previous reading (0 for its first).</param>
/// <param name="TemperatureMean10">Mean of the machine's last 10 readings, this one included.</param>
/// <param name="Regime">The predicted regime's label (idle, working, overload).</param>
/// <param name="RegimeIndex">0 idle, 1 working, 2 overload.</param>
/// <param name="Probability">The classifier's probability of that regime.</param>
internal sealed record RegimePrediction(MachineReading Reading, double TemperatureChange, double TemperatureMean10, string Regime, int RegimeIndex, double Probability);
