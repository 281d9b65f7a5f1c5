using System.Globalization;
using System.Text.Json;

namespace NgsiFlow.Cli.Pipelines.Edge;

/// <summary>
/// A fleet of Raspberry-Pi-like devices writing the sensor JSON of the edge seed: numbers as strings
/// (<c>"bme680_tempc": "23.97"</c>), the system time as <c>MM/dd/yyyy HH:mm:ss</c>, the accelerometer as
/// <c>"+00.08g : -01.01g : +00.09g"</c>, disk usage as <c>"1345.2 MB"</c>, a nested <c>network</c> object, and now and
/// then a broken reading (<c>"ERR"</c>) that the pipeline must dead-letter. Deterministic for a seed.
/// </summary>
internal sealed class DeviceSimulator
{
    /// <summary>The text the sensor sends instead of a temperature when it fails.</summary>
    public const string SensorError = "ERR";

    private readonly Random _random;
    private readonly Device[] _devices;
    private readonly double _errorRate;
    private long _sequence;

    /// <summary>A fleet.</summary>
    /// <param name="devices">How many devices.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <param name="errorRate">The share of readings whose temperature sensor fails.</param>
    public DeviceSimulator(int devices, int seed, double errorRate = 0.01)
    {
        _random = new Random(seed);
        _errorRate = errorRate;
        _devices = Enumerable.Range(1, devices).Select(i => new Device(
            "rpi-" + i.ToString("D3", CultureInfo.InvariantCulture),
            "192.168.1." + (10 + i).ToString(CultureInfo.InvariantCulture),
            45 + (_random.NextDouble() * 20),
            18 + (_random.NextDouble() * 8))).ToArray();
    }

    /// <summary>The devices' host names.</summary>
    public IReadOnlyList<string> Hosts => _devices.Select(d => d.Host).ToArray();

    /// <summary>Readings written so far with a failed temperature sensor.</summary>
    public long Broken { get; private set; }

    /// <summary>Readings written so far whose CPU was at 70 °C or more (the alerts route).</summary>
    public long Hot { get; private set; }

    /// <summary>Writes one reading of device <paramref name="index"/> at <paramref name="time"/> as a JSON object.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="index">The device's index.</param>
    /// <param name="time">The reading's system time.</param>
    public void Write(Utf8JsonWriter writer, int index, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var device = _devices[index];

        // Slow random walks, with the CPU now and then running hot for a while.
        device.CpuTemp = Math.Clamp(device.CpuTemp + ((_random.NextDouble() - 0.5) * 3), 38, 85);
        device.AirTemp = Math.Clamp(device.AirTemp + ((_random.NextDouble() - 0.5) * 0.4), 10, 35);
        var cpu = Math.Round(device.CpuTemp, 1);
        if (cpu >= 70)
        {
            Hot++;
        }

        var broken = _random.NextDouble() < _errorRate;
        if (broken)
        {
            Broken++;
        }

        var sequence = ++_sequence;
        writer.WriteStartObject();
        writer.WriteString("uuid", $"{device.Host}_{time.UtcDateTime:yyyyMMddHHmmss}_{sequence.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteString("host", device.Host);
        writer.WriteString("systemtime", time.UtcDateTime.ToString("MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture));
        writer.WriteNumber("cputemp", cpu);
        writer.WriteNumber("memory", Math.Round(30 + (_random.NextDouble() * 40), 1));
        writer.WriteString("diskusage", (1200 + (_random.NextDouble() * 400)).ToString("0.0", CultureInfo.InvariantCulture) + " MB");
        writer.WriteString("bme680_tempc", broken ? SensorError : device.AirTemp.ToString("0.00", CultureInfo.InvariantCulture));
        writer.WriteString("bme680_humidity", (30 + (_random.NextDouble() * 20)).ToString("0.00", CultureInfo.InvariantCulture));
        writer.WriteString("bme680_pressure", (1005 + (_random.NextDouble() * 20)).ToString("0.00", CultureInfo.InvariantCulture));
        writer.WriteString("lsm303d_accelerometer", $"{Axis(0.05)}g : {Axis(-1.0)}g : {Axis(0.08)}g");
        writer.WritePropertyName("network");
        writer.WriteStartObject();
        writer.WriteString("ip", device.Ip);
        writer.WriteNumber("rssi", -40 - _random.Next(40));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private string Axis(double mean)
    {
        var value = mean + ((_random.NextDouble() - 0.5) * 0.1);
        return (value < 0 ? "-" : "+") + Math.Abs(value).ToString("00.00", CultureInfo.InvariantCulture);
    }

    private sealed class Device(string host, string ip, double cpuTemp, double airTemp)
    {
        public string Host { get; } = host;

        public string Ip { get; } = ip;

        public double CpuTemp { get; set; } = cpuTemp;

        public double AirTemp { get; set; } = airTemp;
    }
}
