using System.CommandLine;
using System.Text.Json;
using NgsiFlow.Cli.Commands.Bench.Fuzz;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench fuzz --target receiver|ingest|broker|parse|sources|models|jobs [--seconds N] [--seed S]</c>: the suite's mutation fuzzer for as
/// long as one likes; prints cases/s, the answers by status and every failing case (seed, case, reason, bytes).
/// </summary>
internal static class BenchFuzzCommand
{
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "receiver, ingest (POST /ingest/{route}), broker, parse, sources (the JSON-lines and CSV file readers), models (ONNX loading) or jobs (job files).", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "How long to run.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "The first seed; each further minute takes the next one.", DefaultValueFactory = _ => 1 };
        var command = new Command("fuzz", "Mutation-fuzz an input boundary (receiver, ingest, broker, parse, sources, models or jobs) and report the answers; any 5xx, crash or hang is a failure.") { target, seconds, seed };
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var name = parseResult.GetValue(target)!;
            if (name is not ("receiver" or "ingest" or "broker" or "parse" or "sources" or "models" or "jobs"))
            {
                await error.WriteLineAsync($"--target must be receiver, ingest, broker, parse, sources, models or jobs (was '{name}').").ConfigureAwait(false);
                return 2;
            }

            var total = TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(seconds)));
            await using var fuzz = await FuzzTarget.CreateAsync(name, ct).ConfigureAwait(false);
            if (fuzz.Seeds.Count == 0)
            {
                await error.WriteLineAsync($"The fuzz target '{name}' found no seed inputs; run from a clone of the repository (models/ holds the model seeds).").ConfigureAwait(false);
                return 2;
            }

            var reports = new List<FuzzReport>();
            var started = DateTime.UtcNow;
            for (var s = parseResult.GetValue(seed); DateTime.UtcNow - started < total && !ct.IsCancellationRequested; s++)
            {
                var left = total - (DateTime.UtcNow - started);
                var report = await FuzzRun.RunAsync(fuzz, s, int.MaxValue, left < TimeSpan.FromMinutes(1) ? left : TimeSpan.FromMinutes(1), 100, ct).ConfigureAwait(false);
                reports.Add(report);
                await output.WriteLineAsync($"seed {s}: {report.Cases:N0} cases, {report.CasesPerSecond:N0}/s, answers {string.Join(", ", report.ByStatus.Select(p => $"{p.Key}: {p.Value}"))}, failures {report.Failures.Count}").ConfigureAwait(false);
                foreach (var failure in report.Failures.Take(20))
                {
                    await output.WriteLineAsync("  " + failure).ConfigureAwait(false);
                }
            }

            var byStatus = reports.SelectMany(r => r.ByStatus).GroupBy(p => p.Key).ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Sum(p => p.Value));
            var cases = reports.Sum(r => r.Cases);
            var elapsed = reports.Sum(r => r.Elapsed.TotalSeconds);
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                bench = "fuzz",
                target = name,
                cases,
                casesPerSecond = Math.Round(cases / Math.Max(elapsed, 1e-9)),
                answers = byStatus,
                failures = reports.Sum(r => r.Failures.Count),
            })).ConfigureAwait(false);
            return reports.Any(r => r.Failures.Count > 0) ? 1 : 0;
        });
        return command;
    }
}
