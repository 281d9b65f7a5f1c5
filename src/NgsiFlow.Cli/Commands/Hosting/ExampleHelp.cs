using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace NgsiFlow.Cli.Commands.Hosting;

/// <summary>
/// Examples printed after a command's own help (<c>ngsiflow run --help</c>), so that the list of commands in
/// <c>ngsiflow --help</c> keeps to one line per command.
/// </summary>
internal static class ExampleHelp
{
    private static readonly ConditionalWeakTable<Command, string> Examples = [];

    /// <summary>Prints <paramref name="text"/> after the help of <paramref name="command"/>.</summary>
    public static void Set(Command command, string text) => Examples.AddOrUpdate(command, text);

    /// <summary>Makes the help option of <paramref name="root"/> (and so of every subcommand) print the examples.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction standard)
        {
            help.Action = new WithExamples(standard);
        }
    }

    private sealed class WithExamples(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var code = standard.Invoke(parseResult);
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out var text))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(text.TrimEnd());
                output.WriteLine();
            }

            return code;
        }
    }
}
