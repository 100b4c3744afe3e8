using System.CommandLine;

namespace Ledger.Cli.Infrastructure;

/// <summary>Wires a command's body to System.CommandLine with the shared output settings.</summary>
public static class CommandAction
{
    public static void Set(Command command, CliEnvironment environment, Func<ParseResult, CliOutput, int> body)
    {
        command.SetAction(parseResult => body(parseResult, OutputFor(parseResult, environment)));
    }

    public static void SetAsync(Command command, CliEnvironment environment, Func<ParseResult, CliOutput, CancellationToken, Task<int>> body)
    {
        command.SetAction((parseResult, cancellation) => body(parseResult, OutputFor(parseResult, environment), cancellation));
    }

    private static CliOutput OutputFor(ParseResult parseResult, CliEnvironment environment) =>
        new(environment.Output, environment.Error, parseResult.GetValue(GlobalOptions.Output), environment.Interactive);
}
