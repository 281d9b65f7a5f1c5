using System.CommandLine;
using NgsiFlow.Cli.Demo.Edge;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow demo edge</c>: devices post sensor JSON, transforms and routes, Parquet files and device entities, an SQL report.</summary>
internal static class DemoEdgeCommand
{
    public static Command Create()
    {
        var devices = new Option<int>("--devices") { Description = "Number of simulated devices.", DefaultValueFactory = _ => 20 };
        var readings = new Option<int>("--readings") { Description = "Readings per device.", DefaultValueFactory = _ => 500 };
        var rate = new Option<double>("--rate") { Description = "Readings per second over all devices; 0 is as fast as the ingest endpoint takes them.", DefaultValueFactory = _ => 1000 };
        var perRequest = new Option<int>("--per-request") { Description = "Readings per HTTP request (JSON lines).", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "Seed of the device simulator.", DefaultValueFactory = _ => 11 };
        var data = new Option<string?>("--data") { Description = "Directory for the Parquet files (default: a new temporary directory, kept after the run for `ngsiflow sql`)." };

        var (command, shared) = PipelineDemoCommand.Create(
            "edge",
            "Edge to AI: devices post sensor JSON to /ingest, transforms convert and route it, Parquet files and device entities in the broker, and an SQL report.",
            devices, readings, rate, perRequest, seed, data);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var options = shared.Bind(parseResult, new EdgeDemoOptions
            {
                Devices = parseResult.GetValue(devices),
                Readings = parseResult.GetValue(readings),
                Rate = parseResult.GetValue(rate),
                PerRequest = parseResult.GetValue(perRequest),
                Seed = parseResult.GetValue(seed),
                DataDirectory = parseResult.GetValue(data),
            });
            return shared.RunAsync(parseResult, options.Validate(), console => EdgeDemo.RunAsync(options, console, null, cancellationToken));
        });
        return command;
    }
}
