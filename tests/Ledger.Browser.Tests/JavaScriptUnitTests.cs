using System.Diagnostics;
using Ledger.Browser.Tests.Support;

namespace Ledger.Browser.Tests;

/// <summary>
/// The JavaScript unit tests under web/ (node's own test runner, one NUnit case per file), so that
/// `dotnet test` and CI run them: the verifier's crypto, Merkle, block, signing and checkpoint ports
/// against C#-generated fixtures and RFC 6962 vectors, the evidence verifier against the CLI's exact
/// output for docs/samples, its bounds, and the explorer's pure functions. Node comes from Debian
/// (scripts/install-browser.sh installs nodejs when it is missing); a missing node fails, never skips.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class JavaScriptUnitTests
{
    private static readonly string[] TestFolders = ["verifier/test", "explorer/test"];

    /// <summary>
    /// Needs a matrix directory (LEDGER_MATRIX_DIR) and skips without one; the same matrix runs in
    /// Chromium in <see cref="InBrowserVerifierTests"/>, written fresh by the C# code.
    /// </summary>
    private const string MatrixTestFile = "verifier/test/evidence-matrix.test.js";

    /// <summary>Bounds one file's run; the slowest (the samples, SM2 under a loaded machine) takes well under a minute.</summary>
    private static readonly TimeSpan FileTimeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<string?> Node = new(FindOrInstallNode);

    public static IEnumerable<TestCaseData> TestFiles()
    {
        var web = Path.Combine(RepositoryRoot.Path, "web");
        foreach (var folder in TestFolders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(web, folder), "*.test.js").Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(web, file).Replace('\\', '/');
                if (relative == MatrixTestFile)
                {
                    continue;
                }

                yield return new TestCaseData(relative).SetName($"NodeTest_{relative.Replace('/', '_').Replace('.', '_').Replace('-', '_')}_Passes");
            }
        }
    }

    [Test]
    public void TestFiles_AreFound_InEveryFolder()
    {
        foreach (var folder in TestFolders)
        {
            Assert.That(TestFiles().Count(c => ((string)c.Arguments[0]!).StartsWith(folder, StringComparison.Ordinal)), Is.GreaterThan(0), folder);
        }
    }

    [TestCaseSource(nameof(TestFiles))]
    public void NodeTestFile_Passes(string relativePath)
    {
        var node = Node.Value ?? throw new AssertionException("node is missing and scripts/install-browser.sh did not install it (run it as root)");
        var start = new ProcessStartInfo(node, ["--test", relativePath])
        {
            WorkingDirectory = Path.Combine(RepositoryRoot.Path, "web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("LEDGER_MATRIX_DIR");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {node}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(FileTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node --test {relativePath} did not finish within {FileTimeout.TotalMinutes} minutes");
        }

        process.WaitForExit();
        var text = output.Result + error.Result;
        Assert.That(process.ExitCode, Is.EqualTo(0), $"node --test {relativePath} failed:\n{text}");
        Assert.That(text, Does.Match(@"# pass [1-9]"), $"node --test {relativePath} ran no passing test:\n{text}");
    }

    private static string? FindOrInstallNode()
    {
        if (FindOnPath("node") is { } found)
        {
            return found;
        }

        var script = Path.Combine(RepositoryRoot.Path, BrowserInstall.InstallScript);
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true });
        process?.StandardOutput.ReadToEnd();
        process?.WaitForExit();
        return FindOnPath("node");
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
