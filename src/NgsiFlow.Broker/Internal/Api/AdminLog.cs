using Microsoft.Extensions.Logging;

namespace NgsiFlow.Broker.Internal.Api;

/// <summary>
/// The log configuration behind <c>GET/PUT /admin/log</c>, as Orion's management API has it. <c>level</c> gates the
/// broker's loggers on top of what the configured logger factory lets through (DEBUG, the start value, gates nothing);
/// <c>infoPayloadMaxSize</c>, <c>lineMaxSize</c> and <c>deprecate</c> are kept and reported for Orion's clients.
/// </summary>
internal sealed class AdminLog
{
    private static readonly (string Name, LogLevel Level)[] Levels =
        [("NONE", LogLevel.None), ("FATAL", LogLevel.Critical), ("ERROR", LogLevel.Error), ("WARN", LogLevel.Warning), ("WARNING", LogLevel.Warning), ("INFO", LogLevel.Information), ("DEBUG", LogLevel.Trace)];

    private volatile string _levelName = "DEBUG";
    private volatile int _minimum = (int)LogLevel.Trace;

    public string LevelName => _levelName;

    public long InfoPayloadMaxSize { get; private set; } = 5120;

    public long LineMaxSize { get; private set; } = 32768;

    public bool Deprecate { get; private set; }

    /// <summary>A logger that writes only at the current level or above.</summary>
    public ILogger Gate(ILogger inner) => new GatedLogger(inner, this);

    /// <summary>Applies a PUT's query parameters; Orion's 400 texts for what is wrong, and nothing changes then.</summary>
    public void Apply(Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        if (query.Count == 0)
        {
            throw OrionException.BadRequest("log config missing");
        }

        (string Name, LogLevel Level)? level = null;
        long? payload = null, line = null;
        bool? deprecate = null;
        foreach (var (name, values) in query)
        {
            var text = values.ToString();
            if (text.Length == 0)
            {
                throw OrionException.BadRequest($"Empty right-hand-side for URI param /{name}/");
            }

            switch (name)
            {
                case "level":
                    var found = Array.FindIndex(Levels, l => string.Equals(l.Name, text, StringComparison.OrdinalIgnoreCase));
                    level = found >= 0 ? Levels[found] : throw OrionException.BadRequest("invalid log level");
                    break;
                case "infoPayloadMaxSize":
                    payload = long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : throw OrionException.BadRequest("invalid infoPayloadMaxSize: " + text);
                    break;
                case "lineMaxSize":
                    line = long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : throw OrionException.BadRequest("invalid lineMaxSize: " + text);
                    break;
                case "deprecate":
                    deprecate = text switch { "true" => true, "false" => false, _ => throw OrionException.BadRequest("invalid deprecate: " + text) };
                    break;
                default:
                    throw OrionException.BadRequest($"invalid URI param /{name}/ for /admin/log");
            }
        }

        if (level is { } chosen)
        {
            _levelName = chosen.Name == "WARNING" ? "WARN" : chosen.Name;
            _minimum = (int)chosen.Level;
        }

        InfoPayloadMaxSize = payload ?? InfoPayloadMaxSize;
        LineMaxSize = line ?? LineMaxSize;
        Deprecate = deprecate ?? Deprecate;
    }

    private sealed class GatedLogger(ILogger inner, AdminLog settings) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (int)logLevel >= settings._minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
