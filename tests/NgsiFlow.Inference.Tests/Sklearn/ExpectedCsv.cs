using System.Globalization;

namespace NgsiFlow.Inference.Tests.Sklearn;

/// <summary>A case file written by tools/models/test_models.py: "in:j" input columns, "out:name:key" expected outputs.</summary>
internal sealed class ExpectedCsv
{
    private ExpectedCsv(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
        InputColumns = Enumerable.Range(0, header.Length).Where(i => header[i].StartsWith("in:", StringComparison.Ordinal)).ToArray();
        OutputNames = header.Where(h => h.StartsWith("out:", StringComparison.Ordinal)).Select(h => h.Split(':')[1]).Distinct().ToArray();
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public int[] InputColumns { get; }

    public string[] OutputNames { get; }

    public static ExpectedCsv Read(string path)
    {
        var lines = File.ReadAllLines(path);
        return new ExpectedCsv(lines[0].Split(','), lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList());
    }

    public static double Number(string s) => s == "nan" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    public double[] Inputs(int row) => InputColumns.Select(c => Number(Rows[row][c])).ToArray();

    public string[] InputTexts(int row) => InputColumns.Select(c => Rows[row][c]).ToArray();

    /// <summary>Expected cells of one output for a row, with their keys (column index or class label).</summary>
    public (string Key, string Value)[] Output(int row, string output)
    {
        var prefix = $"out:{output}:";
        return Enumerable.Range(0, Header.Length).Where(i => Header[i].StartsWith(prefix, StringComparison.Ordinal))
            .Select(i => (Header[i][prefix.Length..], Rows[row][i])).ToArray();
    }
}
