using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench inference</c>: single-row latency and 10,000-row batch throughput of the 150-tree
/// concrete model, and in the same run the same rows through scikit-learn's predict (when
/// /usr/bin/python3 has scikit-learn), with the ratios. The last output line is one JSON object.
/// </summary>
internal static class BenchInferenceCommand
{
    private const string ModelFile = "models/concrete-rf150.onnx";
    private const string RowsFile = "models/concrete-rf150.expected.csv";
    private const int BatchRows = 10_000;

    public static Command Create()
    {
        var model = new Option<FileInfo?>("--model") { Description = $"The concrete model (default: {ModelFile} found above the current directory or the program)." };
        var seconds = new Option<double>("--seconds") { Description = "Approximate time spent on each measurement.", DefaultValueFactory = _ => 2.0 };
        var python = new Option<string>("--python") { Description = "Python with scikit-learn for the reference run; empty to skip it.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var command = new Command("inference", "Single-row latency and batch throughput of the 150-tree concrete model, against scikit-learn.");
        command.Options.Add(model);
        command.Options.Add(seconds);
        command.Options.Add(python);
        command.SetAction(async (parseResult, ct) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var modelPath = parseResult.GetValue(model)?.FullName ?? Find(ModelFile);
            if (modelPath is null || !File.Exists(modelPath))
            {
                await error.WriteLineAsync($"bench inference: {ModelFile} not found; pass --model.".AsMemory(), ct).ConfigureAwait(false);
                return 1;
            }

            var rowsPath = Path.Combine(Path.GetDirectoryName(modelPath)!, Path.GetFileName(RowsFile));
            var result = await RunAsync(modelPath, rowsPath, parseResult.GetValue(seconds), parseResult.GetValue(python) ?? string.Empty, output, ct).ConfigureAwait(false);
            await output.WriteLineAsync(result.ToJsonString().AsMemory(), ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task<JsonObject> RunAsync(string modelPath, string rowsPath, double seconds, string python, TextWriter output, CancellationToken ct)
    {
        var model = OnnxModel.Load(modelPath);
        var width = model.FeatureNames.Count;
        var rows = ReadRows(rowsPath, model.FeatureNames);
        var distinct = rows.Length / width;
        var batch = new double[BatchRows * width];
        for (var r = 0; r < BatchRows; r++)
        {
            Array.Copy(rows, (r % distinct) * width, batch, r * width, width);
        }

        await output.WriteLineAsync($"model {Path.GetFileName(modelPath)}: {distinct} distinct rows, batch of {BatchRows} rows, {Environment.ProcessorCount} processors".AsMemory(), ct).ConfigureAwait(false);

        // Single row: Predict (returns a Prediction) and Score (caller-owned span, no allocation).
        var sink = 0.0;
        var predictNs = Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.Predict(rows.AsSpan((i % distinct) * width, width)).Value;
            }
        });
        var scores = new double[model.ScoreCount];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var scoreNs = Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                model.Score(rows.AsSpan((i % distinct) * width, width), scores);
                sink += scores[0];
            }
        });
        var scoreAllocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        // Batch: one thread, then every processor.
        var batchNs = Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.PredictBatch(batch, BatchRows).Value(0);
            }
        });
        var parallelNs = Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.PredictBatchParallel(batch, BatchRows).Value(0);
            }
        });

        var json = new JsonObject
        {
            ["benchmark"] = "inference",
            ["model"] = Path.GetFileName(modelPath),
            ["trees"] = 150,
            ["batch_rows"] = BatchRows,
            ["processors"] = Environment.ProcessorCount,
            ["single_row_predict_us"] = Round(predictNs / 1000),
            ["single_row_score_us"] = Round(scoreNs / 1000),
            ["batch_ms"] = Round(batchNs / 1e6),
            ["batch_rows_per_s"] = Round(BatchRows / (batchNs / 1e9)),
            ["batch_parallel_ms"] = Round(parallelNs / 1e6),
            ["batch_parallel_rows_per_s"] = Round(BatchRows / (parallelNs / 1e9)),
        };
        await output.WriteLineAsync($"ngsiflow  single row: Predict {predictNs / 1000:F2} us, Score {scoreNs / 1000:F2} us ({scoreAllocated} bytes allocated by all Score calls)".AsMemory(), ct).ConfigureAwait(false);
        await output.WriteLineAsync($"ngsiflow  batch {BatchRows}: {batchNs / 1e6:F2} ms on 1 thread ({BatchRows / (batchNs / 1e9):N0} rows/s), {parallelNs / 1e6:F2} ms on {Environment.ProcessorCount} ({BatchRows / (parallelNs / 1e9):N0} rows/s)".AsMemory(), ct).ConfigureAwait(false);

        var reference = string.IsNullOrEmpty(python) ? null : await ScikitLearnAsync(python, rowsPath, seconds, output, ct).ConfigureAwait(false);
        if (reference is null)
        {
            json["sklearn"] = null;
            await output.WriteLineAsync("scikit-learn reference: not available, no ratios".AsMemory(), ct).ConfigureAwait(false);
            return json;
        }

        var skOne = reference["single_row_us"]!.GetValue<double>();
        var skBatch = reference["batch_ms"]!.GetValue<double>();
        var skBatchAll = reference["batch_all_cores_ms"]!.GetValue<double>();
        json["sklearn"] = reference;
        json["single_row_speedup"] = Round(skOne / (predictNs / 1000));
        json["single_row_score_speedup"] = Round(skOne / (scoreNs / 1000));
        json["batch_speedup"] = Round(skBatch / (batchNs / 1e6));
        json["batch_parallel_speedup"] = Round(skBatchAll / (parallelNs / 1e6));
        await output.WriteLineAsync($"sklearn   single row: {skOne:F1} us; batch {BatchRows}: {skBatch:F2} ms (n_jobs=1), {skBatchAll:F2} ms (n_jobs=-1); max |difference| from ngsiflow's expected file {reference["max_abs_diff_vs_expected"]}".AsMemory(), ct).ConfigureAwait(false);
        await output.WriteLineAsync($"ratio     single row {skOne / (predictNs / 1000):F0}x faster (Score: {skOne / (scoreNs / 1000):F0}x); batch {skBatch / (batchNs / 1e6):F1}x (1 thread vs n_jobs=1), {skBatchAll / (parallelNs / 1e6):F1}x (all cores vs n_jobs=-1)".AsMemory(), ct).ConfigureAwait(false);
        GC.KeepAlive(sink);
        return json;
    }

    /// <summary>Runs <paramref name="work"/>(n) with growing n until it takes about <paramref name="seconds"/>; returns nanoseconds per unit.</summary>
    private static double Measure(double seconds, Action<int> work)
    {
        work(10); // warm-up: JIT and tiering
        var n = 10;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            work(n);
            sw.Stop();
            if (sw.Elapsed.TotalSeconds >= seconds / 4)
            {
                // One more run sized to the budget, measured.
                var target = Math.Max(1, (int)Math.Min(int.MaxValue, n * seconds / sw.Elapsed.TotalSeconds));
                sw.Restart();
                work(target);
                sw.Stop();
                return sw.Elapsed.TotalNanoseconds / target;
            }

            n *= 4;
        }
    }

    private static double Round(double v) => Math.Round(v, 3);

    private static double[] ReadRows(string path, IReadOnlyList<string> features)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var columns = features.Select(f => Array.IndexOf(header, f)).ToArray();
        return lines.Skip(1).Where(l => l.Length > 0).SelectMany(l =>
        {
            var c = l.Split(',');
            return columns.Select(i => double.Parse(c[i], CultureInfo.InvariantCulture));
        }).ToArray();
    }

    private static string? Find(string relative)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async Task<JsonObject?> ScikitLearnAsync(string python, string rowsPath, double seconds, TextWriter output, CancellationToken ct)
    {
        if (!File.Exists(python))
        {
            return null;
        }

        var script = Path.Combine(Path.GetTempPath(), $"ngsiflow-bench-sklearn-{Environment.ProcessId}.py");
        await File.WriteAllTextAsync(script, PythonScript, ct).ConfigureAwait(false);
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(rowsPath);
            psi.ArgumentList.Add(BatchRows.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            var text = (await stdout.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0 || text.Length == 0)
            {
                await output.WriteLineAsync($"scikit-learn reference failed (exit {process.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}".AsMemory(), ct).ConfigureAwait(false);
                return null;
            }

            return JsonNode.Parse(text.Split('\n')[^1]) as JsonObject;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or JsonException or IOException)
        {
            await output.WriteLineAsync($"scikit-learn reference failed: {ex.Message}".AsMemory(), ct).ConfigureAwait(false);
            return null;
        }
        finally
        {
            File.Delete(script);
        }
    }

    // Trains the same forest as tools/models/concrete.py (same rows, same parameters, same seed), checks
    // it reproduces the committed predictions, then times predict on one row and on the batch.
    private const string PythonScript = """
        import csv, json, sys, time
        import numpy as np
        from sklearn.ensemble import RandomForestRegressor

        path, batch_rows, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
        features = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"]
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        x = np.array([[float(r[c]) for c in features] for r in rows])
        y = np.array([float(r["strength"]) for r in rows])
        expected = np.array([float(r["predicted_strength"]) for r in rows])
        model = RandomForestRegressor(n_estimators=150, min_samples_leaf=3, random_state=42, n_jobs=1).fit(x, y)
        diff = float(np.max(np.abs(model.predict(x) - expected)))

        def measure(fn, budget):
            fn(); n = 1
            while True:
                t = time.perf_counter()
                for _ in range(n): fn()
                dt = time.perf_counter() - t
                if dt >= budget / 4:
                    k = max(1, int(n * budget / dt)); t = time.perf_counter()
                    for _ in range(k): fn()
                    return (time.perf_counter() - t) / k
                n *= 2

        i = [0]
        def one():
            model.predict(x[i[0] % len(x)].reshape(1, -1)); i[0] += 1
        single = measure(one, seconds)
        batch = np.array([x[r % len(x)] for r in range(batch_rows)])
        batch_1 = measure(lambda: model.predict(batch), seconds)
        model.set_params(n_jobs=-1)
        batch_all = measure(lambda: model.predict(batch), seconds)
        import sklearn
        print(json.dumps({"sklearn_version": sklearn.__version__, "single_row_us": single * 1e6, "batch_ms": batch_1 * 1e3,
                          "batch_all_cores_ms": batch_all * 1e3, "max_abs_diff_vs_expected": diff}))
        """;
}
