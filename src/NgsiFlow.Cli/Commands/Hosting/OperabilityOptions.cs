using System.CommandLine;
using Microsoft.Extensions.Logging;
using NgsiFlow.Telemetry;

namespace NgsiFlow.Cli.Commands.Hosting;

/// <summary>
/// The options every long-running command shares: <c>--metrics</c> (Prometheus at <c>/metrics</c>), <c>--otlp</c>
/// (metrics and traces to an OpenTelemetry collector, configured by the <c>OTEL_*</c> variables), <c>--log-level</c>
/// and <c>--log-format</c>.
/// </summary>
internal sealed class OperabilityOptions
{
    private readonly Option<bool> _metrics = new("--metrics") { Description = "Serve Prometheus metrics at /metrics (--metrics false turns it off).", DefaultValueFactory = _ => true };
    private readonly Option<bool> _otlp = new("--otlp") { Description = "Export metrics and traces over OTLP, configured by OTEL_EXPORTER_OTLP_ENDPOINT and the other OTEL_* variables (default: on when that variable is set).", DefaultValueFactory = _ => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) };
    private readonly Option<string> _logLevel;
    private readonly Option<string> _logFormat = new("--log-format") { Description = "Logs on stderr as 'text' (one line each) or 'json' (one JSON object per line, scopes included).", DefaultValueFactory = _ => "text" };

    public OperabilityOptions(string defaultLevel = "Warning") =>
        _logLevel = new Option<string>("--log-level") { Description = "Trace, Debug, Information, Warning, Error, or per category as Category=Level,... (logs go to stderr).", DefaultValueFactory = _ => defaultLevel };

    public void AddTo(Command command)
    {
        command.Options.Add(_metrics);
        command.Options.Add(_otlp);
        command.Options.Add(_logLevel);
        command.Options.Add(_logFormat);
    }

    /// <summary>Checks the values; null when they are valid, else the message.</summary>
    public string? Validate(ParseResult parseResult)
    {
        if (parseResult.GetValue(_logFormat) is not ("text" or "json"))
        {
            return $"--log-format must be text or json (was '{parseResult.GetValue(_logFormat)}').";
        }

        return Levels(parseResult.GetValue(_logLevel)!, out _, out var bad) ? null : $"--log-level: '{bad}' is not a level (Trace, Debug, Information, Warning, Error, Critical, None).";
    }

    /// <summary>Configures logging as the options say.</summary>
    public void Configure(ILoggingBuilder logging, ParseResult parseResult)
    {
        Levels(parseResult.GetValue(_logLevel)!, out var levels, out _);
        logging.ClearProviders();
        foreach (var (category, level) in levels)
        {
            if (category is null)
            {
                logging.SetMinimumLevel(level);
            }
            else
            {
                logging.AddFilter(category, level);
            }
        }

        if (parseResult.GetValue(_logFormat) == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    public ILoggerFactory CreateLoggerFactory(ParseResult parseResult) => LoggerFactory.Create(b => Configure(b, parseResult));

    /// <summary>Starts OpenTelemetry when <c>--metrics</c> or <c>--otlp</c> asks for it; null otherwise.</summary>
    public NgsiFlowTelemetry? StartTelemetry(ParseResult parseResult, string serviceName)
    {
        var prometheus = parseResult.GetValue(_metrics);
        var otlp = parseResult.GetValue(_otlp);
        return prometheus || otlp
            ? NgsiFlowTelemetry.Start(new NgsiFlowTelemetryOptions { ServiceName = serviceName, Prometheus = prometheus, Otlp = otlp })
            : null;
    }

    private static bool Levels(string text, out List<(string? Category, LogLevel Level)> levels, out string bad)
    {
        levels = [];
        bad = string.Empty;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var (category, level) = eq < 0 ? ((string?)null, part) : (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (!Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) || int.TryParse(level, out _))
            {
                bad = level;
                return false;
            }

            levels.Add((category, parsed));
        }

        return true;
    }
}
