using System.CommandLine;
using Microsoft.Extensions.Logging;
using NgsiFlow.RabbitMq;

namespace NgsiFlow.Cli.Commands;

/// <summary>The options <c>worker</c>, <c>receive</c> and <c>bench distributed</c> share.</summary>
internal sealed class DistributedOptions
{
    public Option<string> RabbitMq { get; } = new("--rabbitmq") { Description = "AMQP URI of RabbitMQ, for example amqp://guest:guest@localhost:5672/.", Required = true };

    public Option<string> Job { get; } = new("--job") { Description = "The job to run (a name in the job registry; 'running-sum' is built in).", Required = true };

    public Option<string?> Broker { get; } = new("--broker") { Description = "NGSI-v2 context broker URL (write-back for workers, subscriptions for receivers)." };

    public Option<int> Partitions { get; } = new("--partitions") { Description = "Partition queues per job; the same for every receiver and worker.", DefaultValueFactory = _ => 8 };

    public Option<int> Prefetch { get; } = new("--prefetch") { Description = "Unacknowledged messages per partition a worker holds.", DefaultValueFactory = _ => 512 };

    public Option<int> CheckpointMs { get; } = new("--checkpoint-ms") { Description = "Checkpoint interval per partition in milliseconds.", DefaultValueFactory = _ => 500 };

    public Option<string> Prefix { get; } = new("--prefix") { Description = "Prefix of the exchange and queue names.", DefaultValueFactory = _ => "ngsiflow" };

    public Option<string> LogLevel { get; } = new("--log-level") { Description = "Trace, Debug, Information, Warning, Error (logs go to stderr).", DefaultValueFactory = _ => "Warning" };

    public void AddTo(Command command, bool includeJob = true)
    {
        command.Options.Add(RabbitMq);
        if (includeJob)
        {
            command.Options.Add(Job);
        }

        command.Options.Add(Broker);
        command.Options.Add(Partitions);
        command.Options.Add(Prefetch);
        command.Options.Add(CheckpointMs);
        command.Options.Add(Prefix);
        command.Options.Add(LogLevel);
    }

    /// <summary>Builds the RabbitMQ options, or returns the error to print.</summary>
    public (RabbitMqOptions? Options, string? Error) Read(ParseResult parseResult, ILoggerFactory loggerFactory)
    {
        if (!Uri.TryCreate(parseResult.GetValue(RabbitMq), UriKind.Absolute, out var uri))
        {
            return (null, $"--rabbitmq must be an absolute amqp:// URI (was '{parseResult.GetValue(RabbitMq)}').");
        }

        var prefetch = parseResult.GetValue(Prefetch);
        if (prefetch is < 2 or > ushort.MaxValue)
        {
            return (null, $"--prefetch must be between 2 and 65535 (was {prefetch}).");
        }

        var options = new RabbitMqOptions
        {
            Uri = uri,
            Partitions = parseResult.GetValue(Partitions),
            Prefetch = (ushort)prefetch,
            CheckpointEvery = Math.Max(1, prefetch / 2),
            CheckpointInterval = TimeSpan.FromMilliseconds(parseResult.GetValue(CheckpointMs)),
            Prefix = parseResult.GetValue(Prefix) ?? "ngsiflow",
            LoggerFactory = loggerFactory,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }

        return (options, null);
    }

    public ILoggerFactory CreateLoggerFactory(ParseResult parseResult)
    {
        var level = Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(parseResult.GetValue(LogLevel), ignoreCase: true, out var l) ? l : Microsoft.Extensions.Logging.LogLevel.Warning;
        return LoggerFactory.Create(b => b
            .SetMinimumLevel(level)
            .AddSimpleConsole(o =>
            {
                // One line per message, stamped in UTC, so that the logs of a receiver and its workers merge into one timeline.
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace));
    }

    public static (DistributedJob? Job, string? Error) FindJob(string name)
    {
        try
        {
            return (JobRegistry.Default.Get(name), null);
        }
        catch (KeyNotFoundException e)
        {
            return (null, e.Message);
        }
    }
}
