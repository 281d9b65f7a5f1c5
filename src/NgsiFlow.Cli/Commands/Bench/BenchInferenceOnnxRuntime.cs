using System.Text.Json.Nodes;
using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Commands.Bench;

/// <summary>
/// <c>ngsiflow bench inference --against onnxruntime</c>: the managed evaluator and ONNX Runtime on the same demo
/// models and rows (random forest, gradient boosting, MLP, logistic regression, k-means): one-row latency
/// (<see cref="OnnxModel.Predict(ReadOnlySpan{double})"/>) and a 10,000-row batch on one thread
/// (<see cref="OnnxModel.PredictBatch(ReadOnlySpan{double}, int)"/>) and on every processor
/// (<see cref="OnnxModel.PredictBatchParallel(ReadOnlyMemory{double}, int, int)"/>), with the ratios and the largest
/// difference between the two evaluators' scores.
/// </summary>
internal static class BenchInferenceOnnxRuntime
{
    private const int BatchRows = 10_000;

    private static readonly (string Key, string Title, string File, string Rows)[] Models =
    [
        ("random_forest", "random forest, 150 trees", "concrete-rf150.onnx", "concrete-rf150.expected.csv"),
        ("gradient_boosting", "gradient boosting, 100 trees", "concrete-gb100.onnx", "concrete-gb100.expected.csv"),
        ("mlp", "MLP, 8 hidden units", "regimes-mlp.onnx", "regimes.expected.csv"),
        ("logistic_regression", "logistic regression, 3 classes", "regimes-logreg.onnx", "regimes.expected.csv"),
        ("kmeans", "k-means, 3 centres", "regimes-kmeans.onnx", "regimes.expected.csv"),
    ];

    public static async Task<JsonObject> RunAsync(string modelsFolder, double seconds, TextWriter output, CancellationToken ct)
    {
        var processors = Environment.ProcessorCount;
        await output.WriteLineAsync($"managed evaluator vs ONNX Runtime {OnnxModel.OnnxRuntimeVersion} (CPU, one intra-op thread per call; batches split across {processors} processors for 'all cores'); batch of {BatchRows:N0} rows".AsMemory(), ct).ConfigureAwait(false);
        var results = new JsonArray();
        foreach (var (key, title, file, rowsFile) in Models)
        {
            ct.ThrowIfCancellationRequested();
            var path = Path.Combine(modelsFolder, file);
            using var managed = OnnxModel.Load(path, new OnnxModelOptions { Engine = OnnxModelEngine.Managed });
            using var runtime = OnnxModel.Load(path, new OnnxModelOptions { Engine = OnnxModelEngine.OnnxRuntime });
            var width = managed.FeatureNames.Count;
            var rows = BenchInferenceCommand.ReadRows(Path.Combine(modelsFolder, rowsFile), managed.FeatureNames);
            var distinct = rows.Length / width;
            var batch = new double[BatchRows * width];
            for (var r = 0; r < BatchRows; r++)
            {
                Array.Copy(rows, (r % distinct) * width, batch, r * width, width);
            }

            var m = Time(managed, rows, distinct, batch, seconds);
            var o = Time(runtime, rows, distinct, batch, seconds);
            var diff = MaxDifference(managed.PredictBatch(batch, BatchRows), runtime.PredictBatch(batch, BatchRows));
            var entry = new JsonObject
            {
                ["model"] = key,
                ["file"] = file,
                ["managed_compiled_scorer"] = managed.UsesCompiledScorer,
                ["managed"] = m.Json(),
                ["onnxruntime"] = o.Json(),
                ["single_row_ratio"] = BenchInferenceCommand.Round(o.One / m.One),
                ["batch_ratio"] = BenchInferenceCommand.Round(o.Batch / m.Batch),
                ["batch_all_cores_ratio"] = BenchInferenceCommand.Round(o.BatchAll / m.BatchAll),
                ["max_abs_score_difference"] = diff.Scores,
                ["label_mismatches"] = diff.Labels,
            };
            results.Add(entry);
            await output.WriteLineAsync(
                $"{title,-32} one row: managed {m.One / 1e3,8:F2} us, onnxruntime {o.One / 1e3,8:F2} us ({o.One / m.One:F2}x) | batch 1 thread: {m.Batch / 1e6,7:F2} ms vs {o.Batch / 1e6,7:F2} ms ({o.Batch / m.Batch:F2}x) | batch {processors} threads: {m.BatchAll / 1e6,7:F2} ms vs {o.BatchAll / 1e6,7:F2} ms ({o.BatchAll / m.BatchAll:F2}x) | scores differ by at most {diff.Scores:G3}, {diff.Labels} labels differ".AsMemory(), ct).ConfigureAwait(false);
        }

        await output.WriteLineAsync("ratio = ONNX Runtime time / managed time: above 1, the managed evaluator is that many times faster".AsMemory(), ct).ConfigureAwait(false);
        return new JsonObject
        {
            ["benchmark"] = "inference",
            ["against"] = "onnxruntime",
            ["onnxruntime_version"] = OnnxModel.OnnxRuntimeVersion,
            ["batch_rows"] = BatchRows,
            ["processors"] = processors,
            ["models"] = results,
        };
    }

    private static Timings Time(OnnxModel model, double[] rows, int distinct, double[] batch, double seconds)
    {
        var width = model.FeatureNames.Count;
        var sink = 0.0;
        var one = BenchInferenceCommand.Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.Predict(rows.AsSpan((i % distinct) * width, width)).Scores[0];
            }
        });
        var single = BenchInferenceCommand.Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.PredictBatch(batch, BatchRows).Scores(0)[0];
            }
        });
        var all = BenchInferenceCommand.Measure(seconds, n =>
        {
            for (var i = 0; i < n; i++)
            {
                sink += model.PredictBatchParallel(batch, BatchRows).Scores(0)[0];
            }
        });
        GC.KeepAlive(sink);
        return new Timings(one.Wall, single.Wall, all.Wall);
    }

    private static (double Scores, int Labels) MaxDifference(BatchPrediction a, BatchPrediction b)
    {
        var max = 0.0;
        var labels = 0;
        for (var r = 0; r < a.Count; r++)
        {
            var x = a.Scores(r);
            var y = b.Scores(r);
            for (var j = 0; j < Math.Min(x.Length, y.Length); j++)
            {
                max = Math.Max(max, Math.Abs(x[j] - y[j]));
            }

            labels += a.Label(r) == b.Label(r) ? 0 : 1;
        }

        return (max, labels);
    }

    /// <summary>Wall-clock nanoseconds: one row, a batch on one thread, a batch on every processor.</summary>
    private sealed record Timings(double One, double Batch, double BatchAll)
    {
        public JsonObject Json() => new()
        {
            ["single_row_us"] = BenchInferenceCommand.Round(One / 1e3),
            ["batch_ms"] = BenchInferenceCommand.Round(Batch / 1e6),
            ["batch_all_cores_ms"] = BenchInferenceCommand.Round(BatchAll / 1e6),
            ["batch_rows_per_s"] = Math.Round(BatchRows / (Batch / 1e9)),
        };
    }
}
