using System.Diagnostics;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// The CLI installs as a .NET tool from a local package (issue #19): pack Ledger.Cli into a folder, install
/// it into a temporary tool path from that folder only (a NuGet config that clears every other source, so
/// nothing is downloaded), run <c>ledger --version</c>. Slow (a pack and an install: minutes on a loaded
/// machine), so it is one test; it runs with the rest in CI.
/// </summary>
[Category("Slow")]
public sealed class ToolInstallTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(15);

    [Test]
    public void PackThenToolInstallFromALocalFolder_InstallsACommandNamedLedgerThatRuns()
    {
        var repository = RepositoryRoot();
        // The configuration this test assembly was built in: Ledger.Cli was built with it (a project reference).
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var work = Directory.CreateTempSubdirectory("ledger-tool-install-");
        try
        {
            var packages = Path.Combine(work.FullName, "packages");
            var tools = Path.Combine(work.FullName, "tools");
            var nugetConfig = Path.Combine(work.FullName, "nuget.config");
            File.WriteAllText(nugetConfig, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{packages}" />
                  </packageSources>
                </configuration>
                """);

            var pack = Run("dotnet", repository, "pack", Path.Combine(repository, "Ledger.Cli", "Ledger.Cli.csproj"), "-c", configuration, "--no-build", "--nologo", "-o", packages);
            Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output);
            Assert.That(Directory.GetFiles(packages, "Ledger.Cli.*.nupkg"), Has.Length.EqualTo(1), pack.Output);

            var install = Run("dotnet", work.FullName, "tool", "install", "Ledger.Cli", "--tool-path", tools, "--configfile", nugetConfig);
            Assert.That(install.ExitCode, Is.EqualTo(0), install.Output);

            var ledger = Path.Combine(tools, OperatingSystem.IsWindows() ? "ledger.exe" : "ledger");
            var version = Run(ledger, work.FullName, "--version");
            Assert.That(version.ExitCode, Is.EqualTo(0), version.Output);
            Assert.That(version.Out.Trim(), Does.Match(@"^\d+\.\d+\.\d+"), version.Output);
            var help = Run(ledger, work.FullName, "config", "--help");
            Assert.That(help.ExitCode, Is.EqualTo(0), help.Output);
            Assert.That(help.Out, Does.Contain("set-context"), help.Output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Ledger.sln above {AppContext.BaseDirectory}");
    }

    private static (int ExitCode, string Output, string Out) Run(string fileName, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{fileName} {string.Join(' ', arguments)} did not finish within {StepTimeout}", "");
        }

        return (process.ExitCode, $"{fileName} {string.Join(' ', arguments)}: {output.Result}{error.Result}", output.Result);
    }
}
