using System.Globalization;
using NgsiFlow.Testing;

namespace NgsiFlow.IntegrationTests.Demo;

/// <summary>scikit-learn's MAE over the first rows of the committed predictions (models/concrete-rf150.expected.csv).</summary>
internal static class ScikitLearnPredictions
{
    public static double Mae(int rows)
    {
        var lines = File.ReadAllLines(TestPaths.InRepository("models", "concrete-rf150.expected.csv"));
        var header = lines[0].Split(',');
        var strength = Array.IndexOf(header, "strength");
        var predicted = Array.IndexOf(header, "predicted_strength");
        var sum = 0.0;
        for (var i = 1; i <= rows; i++)
        {
            var cells = lines[i].Split(',');
            sum += Math.Abs(double.Parse(cells[strength], CultureInfo.InvariantCulture) - double.Parse(cells[predicted], CultureInfo.InvariantCulture));
        }

        return sum / rows;
    }
}
