namespace Ledger.Cli.Infrastructure;

/// <summary>An anticipated failure: its message is printed as is and the process exits with <see cref="ExitCode"/>.</summary>
public class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException(int exitCode, string message, Exception inner)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; }

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException NotFound(string message) => new(ExitCodes.NotFound, message);

    public static CliException InvalidInput(string message) => new(ExitCodes.InvalidInput, message);

    public static CliException VerificationFailed(string message) => new(ExitCodes.VerificationFailed, message);
}
