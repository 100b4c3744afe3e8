namespace Ledger.Cli.Infrastructure;

/// <summary>The process's streams, injected so tests run commands in-process.</summary>
public sealed class CliEnvironment
{
    public CliEnvironment(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Interactive { get; }

    public static CliEnvironment FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected);
}
