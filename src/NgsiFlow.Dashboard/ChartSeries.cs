namespace NgsiFlow.Dashboard;

/// <summary>One line of a time-series panel.</summary>
/// <param name="Name">The series name, shown in the legend.</param>
public sealed record ChartSeries(string Name)
{
    /// <summary>The unit shown after values in the legend (for example <c>°C</c> or <c>MPa</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>Draw this series against a second y axis on the right (for a value on another scale, such as a class).</summary>
    public bool RightAxis { get; init; }

    /// <summary>Draw the series as steps rather than straight segments (for discrete values such as a predicted class).</summary>
    public bool Stepped { get; init; }

    /// <summary>A CSS colour for the line; by default the page picks one from its palette.</summary>
    public string? Color { get; init; }
}
