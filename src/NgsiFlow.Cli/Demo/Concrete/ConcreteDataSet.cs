using System.Globalization;

namespace NgsiFlow.Cli.Demo.Concrete;

/// <summary>The concrete mixes: feature columns in the model's order and the measured strength.</summary>
internal sealed class ConcreteDataSet
{
    /// <summary>The ground-truth column.</summary>
    public const string TargetColumn = "strength";

    private ConcreteDataSet(string path, IReadOnlyList<string> features, double[][] rows, double[] strength)
    {
        Path = path;
        Features = features;
        Rows = rows;
        Strength = strength;
    }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }

    /// <summary>The feature names, in the model's order.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>One array of feature values per row, in <see cref="Features"/> order.</summary>
    public double[][] Rows { get; }

    /// <summary>The measured strength per row.</summary>
    public double[] Strength { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>Reads a CSV with a header naming every feature and <see cref="TargetColumn"/> (other columns ignored).</summary>
    /// <param name="path">The file.</param>
    /// <param name="features">The model's feature names.</param>
    /// <param name="extraColumn">Another column to read (e.g. scikit-learn's predictions), or null.</param>
    /// <param name="extra">That column's values.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DemoException">A column is missing, a cell is not a number, or there are no rows.</exception>
    public static ConcreteDataSet Load(string path, IReadOnlyList<string> features, string? extraColumn, out double[]? extra)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new DemoException($"The data file '{path}' is empty.");
        var columns = header.Split(',').Select(c => c.Trim().Trim('"')).ToList();
        var missing = features.Append(TargetColumn).Concat(extraColumn is null ? [] : [extraColumn])
            .Where(f => !columns.Contains(f, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new DemoException(
                $"The model does not match the data set: the model's inputs are {string.Join(", ", features)} and the target is '{TargetColumn}', " +
                $"but '{path}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (its columns: {string.Join(", ", columns)}).");
        }

        var featureIndex = features.Select(f => columns.IndexOf(f)).ToArray();
        var targetIndex = columns.IndexOf(TargetColumn);
        var extraIndex = extraColumn is null ? -1 : columns.IndexOf(extraColumn);
        var rows = new List<double[]>();
        var strength = new List<double>();
        var extraValues = new List<double>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            var row = new double[featureIndex.Length];
            for (var i = 0; i < featureIndex.Length; i++)
            {
                row[i] = Cell(cells, featureIndex[i], columns, path, lineNumber);
            }

            rows.Add(row);
            strength.Add(Cell(cells, targetIndex, columns, path, lineNumber));
            if (extraIndex >= 0)
            {
                extraValues.Add(Cell(cells, extraIndex, columns, path, lineNumber));
            }
        }

        if (rows.Count == 0)
        {
            throw new DemoException($"The data file '{path}' has a header but no rows.");
        }

        extra = extraIndex >= 0 ? [.. extraValues] : null;
        return new ConcreteDataSet(path, features, [.. rows], [.. strength]);
    }

    private static double Cell(string[] cells, int index, List<string> columns, string path, int line)
    {
        if (index >= cells.Length)
        {
            throw new DemoException($"{path}, line {line}: the row has {cells.Length} cells, column '{columns[index]}' is missing.");
        }

        var text = cells[index].Trim();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new DemoException($"{path}, line {line}, column '{columns[index]}': '{text}' is not a number.");
    }
}
