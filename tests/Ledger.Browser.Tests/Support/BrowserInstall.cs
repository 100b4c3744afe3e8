using System.Diagnostics;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// Debian's chromium and chromium-driver, where apt puts them. When either is missing, the tests run
/// scripts/install-browser.sh (apt-get, as root) once, so `dotnet test` works on a fresh machine, and
/// fail (never skip) with the reason when that does not give them a browser.
/// </summary>
public static class BrowserInstall
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    public const string InstallScript = "scripts/install-browser.sh";

    /// <summary>apt-get update plus install on a slow mirror.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    private static readonly Lazy<string?> Failure = new(Install);

    /// <summary>Installs once per test run; every fixture calls it from its OneTimeSetUp.</summary>
    public static void EnsureInstalled()
    {
        if (Failure.Value is { } failure)
        {
            Assert.Fail(failure);
        }
    }

    private static string? Install()
    {
        if (File.Exists(ChromiumPath) && File.Exists(ChromeDriverPath))
        {
            return null;
        }

        var script = Path.Combine(RepositoryRoot.Path, InstallScript);
        if (!File.Exists(script))
        {
            return $"{ChromiumPath} or {ChromeDriverPath} is missing and {script} does not exist";
        }

        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start bash {script}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(InstallTimeout))
        {
            process.Kill(entireProcessTree: true);
            return $"{script} did not finish within {InstallTimeout.TotalMinutes} minutes";
        }

        if (process.ExitCode != 0 || !File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            return $"the browser tests need Debian's chromium and chromium-driver ({ChromiumPath}, {ChromeDriverPath}); "
                + $"{InstallScript} exited {process.ExitCode} without them (run it as root):\n{output.Result}\n{error.Result}";
        }

        return null;
    }
}
