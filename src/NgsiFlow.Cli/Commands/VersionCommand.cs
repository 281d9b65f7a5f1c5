using System.CommandLine;
using System.Reflection;

namespace NgsiFlow.Cli.Commands;

/// <summary><c>ngsiflow version</c>: prints the NgsiFlow version and the .NET runtime it runs on.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the NgsiFlow version.");
        command.SetAction(parseResult =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine($"ngsiflow {version} (.NET {Environment.Version})");
            return 0;
        });
        return command;
    }
}
