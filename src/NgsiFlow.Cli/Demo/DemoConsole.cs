using System.Globalization;
using Spectre.Console;

namespace NgsiFlow.Cli.Demo;

/// <summary>The terminal: a live progress bar while the scenario runs, a summary table at the end.</summary>
internal static class DemoConsole
{
    /// <summary>Shows progress until <paramref name="run"/> completes (whatever its outcome).</summary>
    public static async Task ShowProgressAsync(IAnsiConsole console, DemoProgress progress, Task run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            // Redirected output (CI, tests): one line a second instead of a redrawn bar.
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(1000)).ConfigureAwait(false);
                if (progress.Total > 0)
                {
                    console.WriteLine(Line(progress));
                }
            }

            return;
        }

        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var sent = ctx.AddTask("updates sent", maxValue: 1);
                var written = ctx.AddTask("predictions written", maxValue: 1);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(100)).ConfigureAwait(false);
                    Update(progress, sent, written);
                }

                Update(progress, sent, written);
            }).ConfigureAwait(false);
    }

    /// <summary>The summary table.</summary>
    public static void ShowSummary(IAnsiConsole console, DemoSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(summary.Scenario)}[/] summary");
        table.AddColumn("figure");
        table.AddColumn(new TableColumn("value").RightAligned());
        Row(table, "updates sent", summary.Updates.ToString("N0", CultureInfo.InvariantCulture));
        Row(table, "predictions written", summary.Predictions.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("lost", summary.Lost == 0 ? "[green]0[/]" : $"[red]{summary.Lost.ToString("N0", CultureInfo.InvariantCulture)}[/]");
        Row(table, "MAE", Number(summary.Mae, "0.000000") + " MPa");
        Row(table, "RMSE", Number(summary.Rmse, "0.000") + " MPa");
        Row(table, "R²", Number(summary.R2, "0.0000"));
        Row(table, "latency p50 / p95 / p99", $"{Number(summary.Latency.P50, "0.00")} / {Number(summary.Latency.P95, "0.00")} / {Number(summary.Latency.P99, "0.00")} ms");
        Row(table, "replay (first update → last prediction)", Number(summary.ReplaySeconds, "0.000") + " s");
        foreach (var (name, value) in summary.Extra)
        {
            Row(table, name.Replace('_', ' '), value switch
            {
                double d => Number(d, Math.Abs(d) < 1e-3 && d != 0 ? "0.###E+0" : "0.######"),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value?.ToString() ?? "",
            });
        }

        Row(table, "broker", summary.BrokerUrl.ToString());
        Row(table, "dashboard", summary.DashboardUrl?.ToString() ?? "(off)");
        console.Write(table);
    }

    private static void Update(DemoProgress progress, ProgressTask sent, ProgressTask written)
    {
        var total = Math.Max(1, progress.Total);
        sent.MaxValue = total;
        written.MaxValue = total;
        sent.Value = progress.Sent;
        written.Value = progress.Written;
        var elapsed = progress.Elapsed;
        var rate = elapsed > 0 ? progress.Written / elapsed : 0;
        sent.Description = string.Create(CultureInfo.InvariantCulture, $"updates sent  {progress.Sent,6:N0}");
        written.Description = string.Create(CultureInfo.InvariantCulture, $"predictions   {progress.Written,6:N0}  {rate,5:N0}/s  MAE {Number(progress.Mae, "0.000")}");
    }

    private static string Line(DemoProgress progress)
    {
        var elapsed = progress.Elapsed;
        var rate = elapsed > 0 ? progress.Written / elapsed : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{progress.Phase}: {progress.Sent:N0}/{progress.Total:N0} updates sent, {progress.Written:N0} predictions written, {rate:N0}/s, MAE {Number(progress.Mae, "0.000")}");
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
