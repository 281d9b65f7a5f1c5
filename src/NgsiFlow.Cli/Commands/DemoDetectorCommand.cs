using System.CommandLine;
using NgsiFlow.Cli.Demo.Detector;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow demo detector</c>: detector-hit histograms every 5 s, in process or on RabbitMQ, with a live dashboard.</summary>
internal static class DemoDetectorCommand
{
    public static Command Create()
    {
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = "Run data_raw and data_clean on this RabbitMQ server (e.g. amqp://guest:guest@127.0.0.1:5672/) instead of in process." };
        var seconds = new Option<double>("--seconds") { Description = "How long to generate hits.", DefaultValueFactory = _ => 30 };
        var hits = new Option<long?>("--hits") { Description = "Stop after this many records (with --rate 0: as fast as possible, for throughput)." };
        var rate = new Option<double>("--rate") { Description = "Records per second; 0 generates them as fast as the pipeline takes them.", DefaultValueFactory = _ => 20_000 };
        var fast = new Option<bool>("--as-fast-as-possible") { Description = "Same as --rate 0." };
        var batchSeconds = new Option<double>("--batch-seconds") { Description = "The micro-batch interval.", DefaultValueFactory = _ => 5 };
        var lines = new Option<int>("--lines-per-message") { Description = "CSV lines per RabbitMQ message.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the hit generator.", DefaultValueFactory = _ => 1 };

        var (command, shared) = PipelineDemoCommand.Create(
            "detector",
            "Detector monitoring: synthetic hits on data_raw (10 partitions), histograms per chamber every 5 s on data_clean, live dashboard.",
            rabbitMq, seconds, hits, rate, fast, batchSeconds, lines, seed);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var errors = new List<string>();
            var options = shared.Bind(parseResult, new DetectorDemoOptions
            {
                RabbitMq = PipelineDemoCommand.ParseAmqp(parseResult.GetValue(rabbitMq), errors),
                Seconds = parseResult.GetValue(seconds),
                Hits = parseResult.GetValue(hits),
                Rate = parseResult.GetValue(fast) ? 0 : parseResult.GetValue(rate),
                Interval = TimeSpan.FromSeconds(Math.Max(0, parseResult.GetValue(batchSeconds))),
                LinesPerMessage = parseResult.GetValue(lines),
                Seed = parseResult.GetValue(seed),
            });
            if (parseResult.GetValue(fast) && parseResult.GetValue(hits) is not null && parseResult.GetResult(seconds) is null)
            {
                options = options with { Seconds = 3600 };
            }

            errors.AddRange(options.Validate());
            return shared.RunAsync(parseResult, errors, console => DetectorDemo.RunAsync(options, console, null, cancellationToken));
        });
        return command;
    }
}
