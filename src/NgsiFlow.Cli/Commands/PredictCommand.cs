using System.CommandLine;
using System.Globalization;
using System.Text;
using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Commands;

/// <summary>
/// <c>ngsiflow predict --model FILE --input ROWS.csv [--output OUT.csv]</c>: scores a CSV whose header
/// names the model's features and writes one result row per input row: the value (regressor), or the
/// label and one probability column per class (classifier).
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "The .onnx model file.", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "CSV file with a header naming the model's features (extra columns are ignored; an empty cell is a missing value).", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the results as CSV (default: standard output)." };
        var command = new Command("predict", "Score the rows of a CSV file with an ONNX model.");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var target = parseResult.GetValue(output);
                var text = Run(parseResult.GetValue(model)!.FullName, parseResult.GetValue(input)!.FullName, out var rows);
                if (target is null)
                {
                    await parseResult.InvocationConfiguration.Output.WriteAsync(text.AsMemory(), ct).ConfigureAwait(false);
                }
                else
                {
                    await File.WriteAllTextAsync(target.FullName, text, ct).ConfigureAwait(false);
                    await error.WriteLineAsync($"predict: wrote {rows} rows to {target.FullName}".AsMemory(), ct).ConfigureAwait(false);
                }

                return 0;
            }
            catch (Exception ex) when (ex is ModelLoadException or ModelInputException or PredictInputException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"predict: {ex.Message}".AsMemory(), ct).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Scores the CSV at <paramref name="inputPath"/> and returns the output CSV text.</summary>
    public static string Run(string modelPath, string inputPath, out int rowCount)
    {
        var model = OnnxModel.Load(modelPath);
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"Input file '{inputPath}' does not exist.", inputPath);
        }

        using var reader = new StreamReader(inputPath);
        var headerLine = reader.ReadLine() ?? throw new PredictInputException($"{inputPath}: the file is empty; expected a header naming the features.");
        var header = SplitCsv(headerLine, inputPath, 1);
        var columns = new int[model.FeatureNames.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = Array.FindIndex(header, h => string.Equals(h.Trim(), model.FeatureNames[i], StringComparison.Ordinal));
            if (columns[i] < 0)
            {
                throw new PredictInputException($"{inputPath}: column '{model.FeatureNames[i]}' is missing; the model needs {string.Join(", ", model.FeatureNames)}.");
            }
        }

        var values = new List<double>();
        var line = 1;
        rowCount = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var cells = SplitCsv(text, inputPath, line);
            for (var i = 0; i < columns.Length; i++)
            {
                var name = model.FeatureNames[i];
                if (columns[i] >= cells.Length)
                {
                    throw new PredictInputException($"{inputPath}, line {line} (row {rowCount + 1}): column '{name}' is missing ({cells.Length} cells).");
                }

                var cell = cells[columns[i]].Trim();
                if (cell.Length == 0 || cell.Equals("nan", StringComparison.OrdinalIgnoreCase))
                {
                    values.Add(double.NaN);
                }
                else if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    values.Add(v);
                }
                else
                {
                    throw new PredictInputException($"{inputPath}, line {line} (row {rowCount + 1}), column '{name}': '{cell}' is not a number.");
                }
            }

            rowCount++;
        }

        var results = model.PredictBatch(values.ToArray(), rowCount);
        return Format(model, results);
    }

    private static string Format(OnnxModel model, BatchPrediction results)
    {
        var sb = new StringBuilder();
        var classes = model.ClassLabels;
        var probabilities = model.IsClassifier && results.Count > 0 && results[0].Probabilities.Length == classes.Count && classes.Count > 0;
        if (model.IsClassifier)
        {
            sb.Append("label");
            if (probabilities)
            {
                foreach (var c in classes)
                {
                    sb.Append(",probability_").Append(c);
                }
            }
        }
        else
        {
            sb.Append(results.ScoreCount <= 1 ? "value" : string.Join(",", Enumerable.Range(0, results.ScoreCount).Select(i => $"value_{i}")));
        }

        sb.Append('\n');
        for (var r = 0; r < results.Count; r++)
        {
            if (model.IsClassifier)
            {
                sb.Append(Quote(results.Label(r) ?? string.Empty));
                if (probabilities)
                {
                    foreach (var p in results.Scores(r))
                    {
                        sb.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
                    }
                }
            }
            else
            {
                var scores = results.Scores(r);
                for (var i = 0; i < scores.Length; i++)
                {
                    sb.Append(i > 0 ? "," : string.Empty).Append(scores[i].ToString("R", CultureInfo.InvariantCulture));
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s;

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines).</summary>
    private static string[] SplitCsv(string line, string path, int lineNumber)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (ch != '\r')
            {
                cell.Append(ch);
            }
        }

        if (quoted)
        {
            throw new PredictInputException($"{path}, line {lineNumber}: unterminated quoted cell.");
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }
}

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
