using Microsoft.Extensions.Logging;
using NgsiFlow.Engine;

namespace NgsiFlow.Connector;

/// <summary>Settings of an <see cref="NgsiReplier"/>. Retries (5xx, timeouts) are the broker connection's
/// <c>NgsiClientOptions.Retry</c>.</summary>
public sealed class ReplierOptions
{
    /// <summary>Coalesce batchable writes arriving within this window into one batch request (<c>/v2/op/update</c>,
    /// NGSI-LD batch upsert/update). Zero (default) sends each write on its own.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Most entities in one batch request. Default 100.</summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>Writes waiting to be batched at most; callers wait beyond that (back-pressure). Default 10,000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>A JSON-lines file that receives every write-back that finally failed.</summary>
    public string? DeadLetterPath { get; set; }

    /// <summary>A sink that receives every write-back that finally failed (in addition to the file, when both are set).</summary>
    public IStreamSink<WriteBackFailure>? DeadLetterSink { get; set; }

    /// <summary>The placeholder of the blueprint and template styles. Default <c>%%TOREPLACE%%</c>, as in the Python connector.</summary>
    public string Placeholder { get; set; } = "%%TOREPLACE%%";

    /// <summary>Pass the notification's <c>Fiware-Correlator</c> on to write-backs made from an event. Default true.</summary>
    public bool PassCorrelator { get; set; } = true;

    /// <summary>Clock for dead-letter times.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loggers; none by default.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Checks every setting; throws one <see cref="ArgumentException"/> listing each bad value.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (BatchWindow < TimeSpan.Zero || BatchWindow > TimeSpan.FromMinutes(1))
        {
            errors.Add($"ReplierOptions.BatchWindow must be between 0 and 1 minute (was {BatchWindow}).");
        }

        if (MaxBatchSize is < 1 or > 10_000)
        {
            errors.Add($"ReplierOptions.MaxBatchSize must be between 1 and 10000 (was {MaxBatchSize}).");
        }

        if (QueueCapacity < 1)
        {
            errors.Add($"ReplierOptions.QueueCapacity must be at least 1 (was {QueueCapacity}).");
        }

        if (string.IsNullOrEmpty(Placeholder))
        {
            errors.Add("ReplierOptions.Placeholder must not be empty.");
        }

        if (DeadLetterPath is { } path && (path.Length == 0 || Directory.Exists(path)))
        {
            errors.Add($"ReplierOptions.DeadLetterPath must name a file (was '{path}').");
        }

        if (TimeProvider is null)
        {
            errors.Add("ReplierOptions.TimeProvider must be set.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }
}
