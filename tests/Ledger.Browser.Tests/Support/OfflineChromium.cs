using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// Chromium run once on a page with its network namespace cut (<c>unshare -n</c>: no interface but a
/// down loopback), printing the DOM after the page's scripts ran (<c>--dump-dom</c>). What a clerk's
/// offline machine does with a self-verifying HTML file.
/// </summary>
public static partial class OfflineChromium
{
    /// <summary>Virtual time the page gets before the DOM is dumped (scripts run to completion first).</summary>
    public const int VirtualTimeBudgetMilliseconds = 30_000;

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The DOM of <paramref name="file"/> once loaded from file:// without a network.</summary>
    public static string DumpDom(string file)
    {
        BrowserInstall.EnsureInstalled();
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["-n", BrowserInstall.ChromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     $"--virtual-time-budget={VirtualTimeBudgetMilliseconds}", "--dump-dom", new Uri(Path.GetFullPath(file)).AbsoluteUri])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start unshare");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"unshare -n chromium --dump-dom did not finish within {ProcessTimeout}");
        }

        Assert.That(process.ExitCode, Is.Zero, $"unshare -n chromium --dump-dom failed:\n{error.Result}");
        return output.Result;
    }

    /// <summary>The network interfaces a process sees inside <c>unshare -n</c> (/proc/net/dev follows the namespace; /sys/class/net does not).</summary>
    public static IReadOnlyList<string> InterfacesWithoutNetwork()
    {
        var output = RunCut("cat", "/proc/net/dev");
        return [.. output.Split('\n').Skip(2).Select(line => line.Split(':')[0].Trim()).Where(name => name.Length > 0)];
    }

    /// <summary>Whether a process inside <c>unshare -n</c> can open a TCP connection to 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool CanConnectWithoutNetwork(int port)
    {
        var start = Start("bash", "-c", $"echo > /dev/tcp/127.0.0.1/{port}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start unshare");
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static string RunCut(params string[] command)
    {
        using var process = Process.Start(Start(command)) ?? throw new InvalidOperationException("could not start unshare");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"unshare -n {string.Join(' ', command)} failed: {process.StandardError.ReadToEnd()}");
        return output;
    }

    private static ProcessStartInfo Start(params string[] command)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-n");
        foreach (var argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>The text of the dumped DOM's &lt;title&gt;.</summary>
    public static string TitleOf(string dom)
    {
        var match = TitlePattern().Match(dom);
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : "(no title)";
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TitlePattern();
}
