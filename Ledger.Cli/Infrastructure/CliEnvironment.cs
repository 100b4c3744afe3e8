namespace Ledger.Cli.Infrastructure;

/// <summary>The process's streams and environment variables, injected so tests run commands in-process.</summary>
public sealed class CliEnvironment
{
    private static readonly AsyncLocal<CliEnvironment?> Running = new();

    /// <param name="variables">Environment variable lookup (null: the process's own).</param>
    public CliEnvironment(TextWriter output, TextWriter error, bool interactive, Func<string, string?>? variables = null)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        Variables = variables ?? Environment.GetEnvironmentVariable;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Interactive { get; }

    /// <summary>Environment variable lookup (LEDGER_ENDPOINTS, LEDGER_KEY, LEDGER_CONFIG, HOME, ...).</summary>
    public Func<string, string?> Variables { get; }

    public static CliEnvironment FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected);

    /// <summary>An environment variable as the running command sees it (the injected lookup inside <see cref="LedgerCli.Run"/>, else the process's).</summary>
    public static string? Variable(string name)
    {
        var value = Running.Value is { } environment ? environment.Variables(name) : Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Makes this environment the one <see cref="Variable"/> reads until the returned scope is disposed.</summary>
    internal IDisposable Enter()
    {
        var previous = Running.Value;
        Running.Value = this;
        return new Scope(previous);
    }

    private sealed class Scope(CliEnvironment? previous) : IDisposable
    {
        public void Dispose() => Running.Value = previous;
    }
}
