using System.CommandLine;
using NgsiFlow.Cli.Demo.Regimes;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow demo regimes</c>: machine-regime classification of streamed temperatures, into InfluxDB, with a live dashboard.</summary>
internal static class DemoRegimesCommand
{
    public static Command Create()
    {
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = "Carry readings and predictions on this RabbitMQ server (e.g. amqp://guest:guest@127.0.0.1:5672/) instead of in process." };
        var influx = new Option<string?>("--influx") { Description = "Write temperature and predicted regime to this InfluxDB 1.x server (e.g. http://127.0.0.1:8086/); without it InfluxDB is skipped." };
        var database = new Option<string>("--influx-database") { Description = "InfluxDB database (created when missing).", DefaultValueFactory = _ => "ngsiflow" };
        var readings = new Option<int>("--readings") { Description = "Readings per machine.", DefaultValueFactory = _ => 1500 };
        var rate = new Option<double>("--rate") { Description = "Readings per second over all machines; 0 is as fast as possible.", DefaultValueFactory = _ => 50 };
        var machines = new Option<int>("--machines") { Description = "Number of machines.", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the temperature generator.", DefaultValueFactory = _ => 7 };
        var model = new Option<string?>("--model") { Description = "The MLP model (default: the repository's models/regimes-mlp.onnx)." };

        var (command, shared) = PipelineDemoCommand.Create(
            "regimes",
            "Machine regimes: temperatures with regime changes, classified by an ONNX MLP, published to a results topic and written to InfluxDB, live dashboard.",
            rabbitMq, influx, database, readings, rate, machines, seed, model);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var errors = new List<string>();
            Uri? influxUri = null;
            if (parseResult.GetValue(influx) is { } text)
            {
                if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var u) && u.Scheme is "http" or "https")
                {
                    influxUri = u;
                }
                else
                {
                    errors.Add($"--influx must be an http(s) URL such as http://127.0.0.1:8086/ (was '{text}').");
                }
            }

            var options = shared.Bind(parseResult, new RegimesDemoOptions
            {
                RabbitMq = PipelineDemoCommand.ParseAmqp(parseResult.GetValue(rabbitMq), errors),
                Influx = influxUri,
                InfluxDatabase = parseResult.GetValue(database) ?? "ngsiflow",
                Readings = parseResult.GetValue(readings),
                Rate = parseResult.GetValue(rate),
                Machines = parseResult.GetValue(machines),
                Seed = parseResult.GetValue(seed),
                ModelPath = parseResult.GetValue(model),
            });
            errors.AddRange(options.Validate());
            return shared.RunAsync(parseResult, errors, console => RegimesDemo.RunAsync(options, console, null, cancellationToken));
        });
        return command;
    }
}
