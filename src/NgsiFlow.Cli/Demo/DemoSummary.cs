using System.Text.Json;

namespace NgsiFlow.Cli.Demo;

/// <summary>The figures of one demo run: shown as a table and written with <c>--summary-json</c>.</summary>
internal sealed record DemoSummary
{
    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Updates sent to the broker (and accepted by it).</summary>
    public required long Updates { get; init; }

    /// <summary>Predictions written back, confirmed by the broker and read back from it with the right value.</summary>
    public required long Predictions { get; init; }

    /// <summary>Updates without such a prediction.</summary>
    public long Lost => Updates - Predictions;

    /// <summary>Mean absolute error over the predictions.</summary>
    public required double Mae { get; init; }

    /// <summary>Root mean squared error.</summary>
    public required double Rmse { get; init; }

    /// <summary>Coefficient of determination.</summary>
    public required double R2 { get; init; }

    /// <summary>Update sent to the broker → its prediction written and confirmed by the broker (readable there), in milliseconds.</summary>
    public required Percentiles Latency { get; init; }

    /// <summary>First update sent → last prediction observed, in seconds.</summary>
    public required double ReplaySeconds { get; init; }

    /// <summary>The requested rate (0: as fast as possible).</summary>
    public required double Rate { get; init; }

    /// <summary>Entities the rows were spread over.</summary>
    public required int Entities { get; init; }

    /// <summary>Where the dashboard was, or null.</summary>
    public required Uri? DashboardUrl { get; init; }

    /// <summary>The broker used.</summary>
    public required Uri BrokerUrl { get; init; }

    /// <summary>Scenario-specific figures (name → value), shown in the table and written to the JSON.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Extra { get; init; } = [];

    /// <summary>Writes the summary as one JSON object.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Aborts the write.</param>
    /// <returns>Completes when written.</returns>
    public async Task WriteJsonAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Written beside and then moved, so that whoever watches for the file never reads half of it.
        var partial = path + ".partial";
        var stream = File.Create(partial);
        await using (stream.ConfigureAwait(false))
        {
            var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            await using (json.ConfigureAwait(false))
            {
                json.WriteStartObject();
                json.WriteString("scenario", Scenario);
                json.WriteNumber("updates", Updates);
                json.WriteNumber("predictions", Predictions);
                json.WriteNumber("lost", Lost);
                WriteNumber(json, "mae", Mae);
                WriteNumber(json, "rmse", Rmse);
                WriteNumber(json, "r2", R2);
                json.WriteStartObject("latency_ms");
                WriteNumber(json, "p50", Latency.P50);
                WriteNumber(json, "p95", Latency.P95);
                WriteNumber(json, "p99", Latency.P99);
                WriteNumber(json, "max", Latency.Max);
                json.WriteNumber("count", Latency.Count);
                json.WriteEndObject();
                WriteNumber(json, "replay_seconds", ReplaySeconds);
                WriteNumber(json, "rate", Rate);
                json.WriteNumber("entities", Entities);
                if (DashboardUrl is null)
                {
                    json.WriteNull("dashboard_url");
                }
                else
                {
                    json.WriteString("dashboard_url", DashboardUrl.ToString());
                }

                json.WriteString("broker_url", BrokerUrl.ToString());
                foreach (var (name, value) in Extra)
                {
                    switch (value)
                    {
                        case double d:
                            WriteNumber(json, name, d);
                            break;
                        case long l:
                            json.WriteNumber(name, l);
                            break;
                        case int i:
                            json.WriteNumber(name, i);
                            break;
                        case bool b:
                            json.WriteBoolean(name, b);
                            break;
                        case null:
                            json.WriteNull(name);
                            break;
                        default:
                            json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                    }
                }

                json.WriteEndObject();
            }
        }

        File.Move(partial, path, overwrite: true);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
