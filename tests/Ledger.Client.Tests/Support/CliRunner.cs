using Ledger.Cli;
using Ledger.Cli.Infrastructure;

namespace Ledger.Client.Tests.Support;

/// <summary>Runs the ledger CLI in-process and captures its streams.</summary>
public static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = LedgerCli.Run(args, new CliEnvironment(output, error, interactive: false));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>As <see cref="Run(string[])"/>, with exactly these environment variables (nothing of the process's).</summary>
    public static (int ExitCode, string Out, string Error) RunWith(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = LedgerCli.Run(args, new CliEnvironment(output, error, interactive: false, name => variables.TryGetValue(name, out var value) ? value : null));
        return (exitCode, output.ToString(), error.ToString());
    }
}

public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ledger-client-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
