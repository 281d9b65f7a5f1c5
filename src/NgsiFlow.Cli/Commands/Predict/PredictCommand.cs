using System.CommandLine;
using System.Globalization;
using System.Text;
using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Commands.Predict;

/// <summary>
/// <c>ngsiflow predict --model FILE --input ROWS.csv [--output OUT.csv] [--columns a,b,c] [--no-header] [--engine E]</c>:
/// scores the rows of a CSV file and writes one result row per input row with every model output: labels, each
/// probability (named after the output and the class label), each regression target.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "The .onnx model file.", Required = true };
        var input = new Option<FileInfo>("--input")
        {
            Description = "CSV file of rows to score. Its header names the model's features (extra columns are ignored; an empty cell is a missing value); " +
                "a header that names none of them, or no header, gives the features by position when the column count matches.",
            Required = true,
        };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the results as CSV (default: standard output)." };
        var columns = new Option<string?>("--columns")
        {
            Description = "The CSV columns that hold the model's features, in feature order: header names, or 1-based positions with --no-header (e.g. --columns 3,1,2).",
        };
        var noHeader = new Option<bool>("--no-header") { Description = "The first line is a row, not a header." };
        var engine = new Option<string>("--engine") { Description = "Evaluator: auto (managed when it covers the model, else ONNX Runtime), managed, or onnxruntime.", DefaultValueFactory = _ => "auto" };
        var command = new Command("predict", "Score the rows of a CSV file with an ONNX model.");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(columns);
        command.Options.Add(noHeader);
        command.Options.Add(engine);
        command.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var request = new PredictRequest(
                    parseResult.GetValue(model)!.FullName,
                    parseResult.GetValue(input)!.FullName,
                    OnnxModelOptions.ParseEngine(parseResult.GetValue(engine) ?? "auto"),
                    PredictRequest.ParseColumns(parseResult.GetValue(columns)),
                    parseResult.GetValue(noHeader));
                var result = Run(request);
                foreach (var note in result.Notes)
                {
                    await error.WriteLineAsync($"predict: {note}".AsMemory(), ct).ConfigureAwait(false);
                }

                var target = parseResult.GetValue(output);
                if (target is null)
                {
                    await parseResult.InvocationConfiguration.Output.WriteAsync(result.Csv.AsMemory(), ct).ConfigureAwait(false);
                }
                else
                {
                    await File.WriteAllTextAsync(target.FullName, result.Csv, ct).ConfigureAwait(false);
                    await error.WriteLineAsync($"predict: wrote {result.Rows} rows to {target.FullName}".AsMemory(), ct).ConfigureAwait(false);
                }

                return 0;
            }
            catch (Exception ex) when (ex is ModelLoadException or ModelInputException or PredictInputException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"predict: {ex.Message}".AsMemory(), ct).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Scores the CSV the request names and returns the output CSV text, with notes for standard error.</summary>
    public static PredictResult Run(PredictRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var model = OnnxModel.Load(request.ModelPath, new OnnxModelOptions { Engine = request.Engine });
        var notes = new List<string>();
        if (model.Engine == OnnxModelEngine.OnnxRuntime)
        {
            notes.Add(model.FallbackReason is { } reason
                ? $"{model.Name} is scored by ONNX Runtime: the managed evaluator cannot run it ({reason})"
                : $"{model.Name} is scored by ONNX Runtime");
        }

        var rows = PredictCsv.Read(request, model, notes);
        var results = model.PredictBatch(rows.Values, rows.Count);
        return new PredictResult(Format(model, results), rows.Count, notes);
    }

    /// <summary>The output columns: every model output, one column per value of a row (see the command's summary).</summary>
    internal static List<(string Header, string Output, int Index)> Columns(OnnxModel model, BatchPrediction results)
    {
        var columns = new List<(string Header, string Output, int Index)>();
        var classes = model.ClassLabels;
        foreach (var o in model.Outputs)
        {
            var width = results.Count > 0 ? Width(results[0], o)
                : o.Kind == ModelOutputKind.LabelMap ? classes.Count
                : o.Kind == ModelOutputKind.Numeric && model.Outputs.Count(x => x.Kind == ModelOutputKind.Numeric) == 1 ? Math.Max(1, model.ScoreCount)
                : 1;
            if (width == 1 && o.Kind != ModelOutputKind.LabelMap)
            {
                columns.Add((o.Name, o.Name, 0));
                continue;
            }

            var byClass = o.Kind != ModelOutputKind.Label && classes.Count == width;
            for (var j = 0; j < width; j++)
            {
                columns.Add(($"{o.Name}_{(byClass ? classes[j] : j.ToString(CultureInfo.InvariantCulture))}", o.Name, j));
            }
        }

        return columns;
    }

    private static int Width(Prediction row, ModelOutputInfo output) =>
        output.Kind == ModelOutputKind.Label ? row.GetTexts(output.Name).Length : row.GetNumbers(output.Name).Length;

    private static string Format(OnnxModel model, BatchPrediction results)
    {
        var columns = Columns(model, results);
        var sb = new StringBuilder();
        sb.AppendJoin(',', columns.Select(c => Quote(c.Header))).Append('\n');
        for (var r = 0; r < results.Count; r++)
        {
            var row = results[r];
            var cache = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Count; c++)
            {
                var (_, output, index) = columns[c];
                if (!cache.TryGetValue(output, out var values))
                {
                    var info = model.Outputs.First(o => o.Name == output);
                    values = info.Kind == ModelOutputKind.Label
                        ? row.GetTexts(output)
                        : row.GetNumbers(output).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray();
                    cache[output] = values;
                }

                sb.Append(c > 0 ? "," : string.Empty).Append(index < values.Length ? Quote(values[index]) : string.Empty);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;
}

/// <summary>What <c>ngsiflow predict</c> was asked to do.</summary>
/// <param name="ModelPath">The .onnx file.</param>
/// <param name="InputPath">The CSV file of rows.</param>
/// <param name="Engine">Which evaluator.</param>
/// <param name="Columns">The CSV columns holding the features in feature order (names, or 1-based positions without a header); null to match by header or position.</param>
/// <param name="NoHeader">True when the first line is a row.</param>
internal sealed record PredictRequest(string ModelPath, string InputPath, OnnxModelEngine Engine = OnnxModelEngine.Auto, IReadOnlyList<string>? Columns = null, bool NoHeader = false)
{
    /// <summary>Splits a --columns value; null or blank gives null.</summary>
    public static IReadOnlyList<string>? ParseColumns(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.TrimEntries);
}

/// <summary>The scored rows as CSV text, how many, and what the command says about them on standard error.</summary>
internal sealed record PredictResult(string Csv, int Rows, IReadOnlyList<string> Notes);

/// <summary>A problem with the CSV given to <c>ngsiflow predict</c>; the message names the file, line and column.</summary>
internal sealed class PredictInputException : Exception
{
    public PredictInputException(string message)
        : base(message)
    {
    }

    public PredictInputException()
    {
    }

    public PredictInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
