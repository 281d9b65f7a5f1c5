using System.CommandLine;
using NgsiFlow.Cli.Commands;
using NgsiFlow.Cli.Commands.Bench;

var root = new RootCommand("NgsiFlow: stream processing and model inference on FIWARE context data.");
var bench = new Command("bench", "End-to-end benchmarks; each prints its figures, ratios to a reference measured in the same run, and a last line of JSON.");
root.Subcommands.Add(bench);
bench.Subcommands.Add(NgsiFlow.Cli.Commands.Bench.BenchReceiverCommand.Create());
bench.Subcommands.Add(NgsiFlow.Cli.Commands.Bench.BenchSinksCommand.Create());
bench.Subcommands.Add(NgsiFlow.Cli.Commands.Bench.BenchInferenceCommand.Create());
bench.Subcommands.Add(NgsiFlow.Cli.Commands.Bench.BenchEngineCommand.Create());
bench.Subcommands.Add(BenchBrokerCommand.Create());
bench.Subcommands.Add(BenchEngineCommand.Create());
bench.Subcommands.Add(BenchInferenceCommand.Create());
bench.Subcommands.Add(BenchReceiverCommand.Create());
bench.Subcommands.Add(BenchSinksCommand.Create());
bench.Subcommands.Add(BenchDistributedCommand.Create());

// One file per command under Commands/; keep this list sorted.
root.Subcommands.Add(ParseCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
bench.Subcommands.Add(BenchBrokerCommand.Create());
root.Subcommands.Add(BrokerCommand.Create());
root.Subcommands.Add(ParseCommand.Create());
root.Subcommands.Add(ReceiveCommand.Create());
bench.Subcommands.Add(NgsiFlow.Cli.Commands.Bench.BenchBrokerCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
var demo = DemoCommand.Create();
root.Subcommands.Add(demo);
demo.Subcommands.Add(DemoDetectorCommand.Create());
demo.Subcommands.Add(DemoRegimesCommand.Create());
root.Subcommands.Add(VersionCommand.Create());
root.Subcommands.Add(WorkerCommand.Create());

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
