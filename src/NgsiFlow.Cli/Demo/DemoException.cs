namespace NgsiFlow.Cli.Demo;

/// <summary>A problem the user can fix (a port in use, a broker out of reach, a missing or wrong model): printed, exit code 1.</summary>
internal sealed class DemoException : Exception
{
    public DemoException()
    {
    }

    public DemoException(string message)
        : base(message)
    {
    }

    public DemoException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
