using System.CommandLine;
using System.Text.Json;
using NgsiFlow.Connector;
using NgsiFlow.RabbitMq;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow worker --rabbitmq URL --job NAME [--broker URL]</c>: runs a job on RabbitMQ partitions until Ctrl+C or SIGTERM.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var shared = new DistributedOptions();
        var report = new Option<double>("--report-seconds") { Description = "Print a JSON statistics line this often (0: only at the end).", DefaultValueFactory = _ => 0 };
        var command = new Command("worker", "Run a job's partitions from RabbitMQ (distributed mode); write results back; ack after write-back and checkpoint.");
        shared.AddTo(command);
        command.Options.Add(report);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            using var loggerFactory = shared.CreateLoggerFactory(parseResult);
            var (options, problem) = shared.Read(parseResult, loggerFactory);
            var (job, jobProblem) = DistributedOptions.FindJob(parseResult.GetValue(shared.Job)!);
            if (options is null || job is null)
            {
                await error.WriteLineAsync(problem ?? jobProblem).ConfigureAwait(false);
                return 2;
            }

            BrokerConnection? broker = null;
            if (parseResult.GetValue(shared.Broker) is { } brokerText)
            {
                if (!Uri.TryCreate(brokerText, UriKind.Absolute, out var brokerUri))
                {
                    await error.WriteLineAsync($"--broker must be an absolute http(s) URL (was '{brokerText}').").ConfigureAwait(false);
                    return 2;
                }

                broker = BrokerConnection.V2(new NgsiFlow.Client.NgsiClientOptions { BaseAddress = brokerUri }, "broker", loggerFactory);
            }

            using var brokerScope = broker;
            var replier = broker is null ? null : new NgsiReplier(broker, new ReplierOptions { LoggerFactory = loggerFactory });
            await using var replierScope = replier;
            RabbitMqWorker worker;
            try
            {
                worker = await RabbitMqWorker.StartAsync(options, job, new WorkerContext(replier, loggerFactory), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RabbitMqUnreachableException or InvalidOperationException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 3;
            }

            await using (worker.ConfigureAwait(false))
            {
                await output.WriteLineAsync($"worker {worker.WorkerId} ready: job {job.Name}, {options.Partitions} partitions on {worker.Topology.Exchange}").ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                var every = parseResult.GetValue(report);
                try
                {
                    while (true)
                    {
                        await Task.Delay(every > 0 ? TimeSpan.FromSeconds(every) : Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                        await output.WriteLineAsync(Json(worker, replier)).ConfigureAwait(false);
                        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: hand the partitions over cleanly.
                }

                using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await worker.StopAsync(stopTimeout.Token).ConfigureAwait(false);
                await output.WriteLineAsync(Json(worker, replier)).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static string Json(RabbitMqWorker worker, NgsiReplier? replier)
    {
        var s = worker.GetStatistics();
        var writes = replier?.GetStatistics();
        return JsonSerializer.Serialize(new
        {
            worker = worker.WorkerId,
            job = worker.Job.Name,
            processed = s.Processed,
            acknowledged = s.Acknowledged,
            duplicates = s.Duplicates,
            redelivered = s.Redelivered,
            rejected = s.Rejected,
            poison = s.Poison,
            checkpoints = s.Checkpoints,
            takeovers = s.Takeovers,
            ownedPartitions = s.OwnedPartitions,
            writeBacks = writes?.Confirmed ?? 0,
            writeBackFailures = writes?.DeadLettered ?? 0,
        });
    }
}
