using System.CommandLine;
using NgsiFlow.Cli.Commands;
using NgsiFlow.Cli.Commands.Bench;
using NgsiFlow.Cli.Commands.Hosting;
using NgsiFlow.Cli.Commands.Predict;

var root = new RootCommand("NgsiFlow: stream processing and model inference on FIWARE context data.");

// One file per command under Commands/; keep these lists sorted.
root.Subcommands.Add(BrokerCommand.Create());

var demo = DemoCommand.Create();
demo.Subcommands.Add(DemoDetectorCommand.Create());
demo.Subcommands.Add(DemoEdgeCommand.Create());
demo.Subcommands.Add(DemoRegimesCommand.Create());
root.Subcommands.Add(demo);

root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(ParseCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(ReceiveCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(SqlCommand.Create());
root.Subcommands.Add(SubscriptionsCommand.Create());
root.Subcommands.Add(VersionCommand.Create());

var bench = new Command("bench", "End-to-end benchmarks; each prints its figures, ratios to a reference measured in the same run, and a last line of JSON.");
bench.Subcommands.Add(BenchBrokerCommand.Create());
bench.Subcommands.Add(BenchClusterCommand.Create());
bench.Subcommands.Add(BenchEngineCommand.Create());
bench.Subcommands.Add(BenchFuzzCommand.Create());
bench.Subcommands.Add(BenchInferenceCommand.Create());
bench.Subcommands.Add(BenchReceiverCommand.Create());
bench.Subcommands.Add(BenchSinksCommand.Create());
root.Subcommands.Add(bench);
ExampleHelp.Install(root);

// Long-running commands stop gracefully on Ctrl+C or SIGTERM (a cluster node hands its keys over, a broker drains
// its notifications): give them time before the process is ended.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) };
return await root.Parse(args).InvokeAsync(invocation).ConfigureAwait(false);
