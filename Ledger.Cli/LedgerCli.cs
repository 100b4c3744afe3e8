using System.CommandLine;
using Ledger.Cli.Commands;
using Ledger.Cli.Infrastructure;

namespace Ledger.Cli;

/// <summary>The <c>ledger</c> command tree and its single error boundary.</summary>
public static class LedgerCli
{
    public static RootCommand Build(CliEnvironment environment)
    {
        var root = new RootCommand(
            "ledger: keys, consortium set-up, registration, queries, audit and offline evidence for the Ledger IP registry.\n" +
            "Exit codes: " + string.Join(", ", ExitCodes.Documented.Select(e => $"{e.Code} {e.Meaning}")))
        {
            GlobalOptions.Output,
            CliSettings.Context,
        };
        root.Subcommands.Add(KeygenCommand.Create(environment));
        root.Subcommands.Add(ConsortiumInitCommand.Create(environment));
        root.Subcommands.Add(EvidenceCommands.Create(environment));
        root.Subcommands.Add(ReceiptCommands.Create(environment));
        foreach (var command in NodeCommands.Create(environment))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(AuditCommand.Create(environment));
        root.Subcommands.Add(CheckpointCommands.Create(environment));
        root.Subcommands.Add(WitnessCommands.Create(environment));
        root.Subcommands.Add(BenchCommand.Create(environment));
        root.Subcommands.Add(ConfigCommands.Create(environment));
        return root;
    }

    public static int Run(string[] args, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        using var scope = environment.Enter();
        try
        {
            var parseResult = Build(environment).Parse(args);
            if (parseResult.Errors.Count > 0)
            {
                environment.Error.WriteLine($"ledger: {OneLine(parseResult.Errors[0].Message)} (see 'ledger --help')");
                return ExitCodes.Usage;
            }

            var configuration = new InvocationConfiguration
            {
                Output = environment.Output,
                Error = environment.Error,
                EnableDefaultExceptionHandler = false,
            };
            return parseResult.Invoke(configuration);
        }
        catch (Exception exception)
        {
            var (exitCode, message) = ErrorMapping.Map(exception);
            environment.Error.WriteLine($"ledger: {OneLine(message)}");
            return exitCode;
        }
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
