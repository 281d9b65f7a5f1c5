using System.Globalization;
using System.Text;
using NgsiFlow.Inference;

namespace NgsiFlow.Cli.Commands.Predict;

/// <summary>Reads the rows <c>ngsiflow predict</c> scores: which CSV column feeds which feature, and the values.</summary>
internal static class PredictCsv
{
    /// <summary>The rows of the request's CSV as row-major features of <paramref name="model"/>.</summary>
    public static (double[] Values, int Count) Read(PredictRequest request, OnnxModel model, List<string> notes)
    {
        var path = request.InputPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }

        var features = model.FeatureNames;
        if (features.Count == 0)
        {
            throw new PredictInputException($"{model.Name}: the model does not declare how many features a row has, so CSV rows cannot be mapped to it.");
        }

        using var reader = new StreamReader(path);
        string[]? header = null;
        var line = 0;
        string? first = null;
        if (!request.NoHeader)
        {
            var headerLine = reader.ReadLine() ?? throw new PredictInputException($"{path}: the file is empty; expected a header (or pass --no-header).");
            line = 1;
            header = Split(headerLine, path, 1).Select(h => h.Trim()).ToArray();
        }
        else
        {
            first = reader.ReadLine();
        }

        var columns = Map(request, model, header, first is null ? null : Split(first, path, 1).Length, notes);
        var values = new List<double>();
        var count = 0;
        while ((first ?? reader.ReadLine()) is { } text)
        {
            first = null;
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var cells = Split(text, path, line);
            for (var i = 0; i < columns.Length; i++)
            {
                var name = Describe(features[i], columns[i], header);
                if (columns[i] >= cells.Length)
                {
                    throw new PredictInputException($"{path}, line {line} (row {count + 1}): column {name} is missing ({cells.Length} cells).");
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
                    throw new PredictInputException($"{path}, line {line} (row {count + 1}), column {name}: '{cell}' is not a number.");
                }
            }

            count++;
        }

        return (values.ToArray(), count);
    }

    /// <summary>For each feature, the index of the CSV column that holds it.</summary>
    private static int[] Map(PredictRequest request, OnnxModel model, string[]? header, int? firstRowCells, List<string> notes)
    {
        var path = request.InputPath;
        var features = model.FeatureNames;
        if (request.Columns is { } chosen)
        {
            if (chosen.Count != features.Count)
            {
                throw new PredictInputException($"--columns lists {chosen.Count} columns, but model {model.Name} takes {features.Count} features ({Join(features)}).");
            }

            return chosen.Select(c => header is not null ? ByName(header, c, path) : ByPosition(c, path)).ToArray();
        }

        if (header is null)
        {
            var cells = firstRowCells ?? features.Count;
            if (cells != features.Count)
            {
                throw new PredictInputException($"{path}: rows have {cells} columns, but model {model.Name} takes {features.Count} features ({Join(features)}); pick them with --columns.");
            }

            return Enumerable.Range(0, features.Count).ToArray();
        }

        var named = features.Select(f => Array.IndexOf(header, f)).ToArray();
        if (named.All(i => i >= 0))
        {
            return named;
        }

        if (named.All(i => i < 0) && header.Length == features.Count)
        {
            notes.Add($"the header of {Path.GetFileName(path)} names none of the model's features, and it has as many columns as the model has features ({features.Count}): taking the columns in order as {Join(features)}");
            return Enumerable.Range(0, features.Count).ToArray();
        }

        var missing = features.First(f => Array.IndexOf(header, f) < 0);
        throw new PredictInputException(
            $"{path}: column '{missing}' is missing; the model needs {Join(features)} (or pick the columns with --columns a,b,c).");
    }

    private static int ByName(string[] header, string column, string path)
    {
        var i = Array.IndexOf(header, column);
        return i >= 0 ? i : throw new PredictInputException($"{path}: --columns names column '{column}', which the header does not have ({Join(header)}).");
    }

    private static int ByPosition(string column, string path) =>
        int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n - 1
            : throw new PredictInputException($"{path} has no header (--no-header): --columns takes 1-based column positions, not '{column}'.");

    private static string Describe(string feature, int column, string[]? header) =>
        header is not null && column < header.Length && header[column] == feature
            ? $"'{feature}'"
            : $"{(column + 1).ToString(CultureInfo.InvariantCulture)} (feature '{feature}')";

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 12 ? string.Join(", ", list) : $"{string.Join(", ", list.Take(10))}, ... {list[^1]} ({list.Count})";
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines).</summary>
    private static string[] Split(string line, string path, int lineNumber)
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
