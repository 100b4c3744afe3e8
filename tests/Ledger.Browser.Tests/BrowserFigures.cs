using System.Globalization;
using Ledger.Browser.Tests.Matrix;
using Ledger.Browser.Tests.Support;
using Ledger.Core.Crypto;
using Ledger.Web;
using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests;

/// <summary>
/// The issue #17 figures measured in headless Chromium (bench/browser/verify-figures.sh runs this; never
/// part of the test run): verifyBundle's time per suite (median of runs, performance.now around the call)
/// on the matrix's VALID bundle (a registration with its checkpoint), and the self-verifying HTML's size.
/// </summary>
[Explicit("a measurement: bench/browser/verify-figures.sh")]
[NonParallelizable]
public sealed class BrowserFigures
{
    public const string RunsVariable = "LEDGER_BENCH_RUNS";

    public const string OutputVariable = "LEDGER_FIGURES_FILE";

    private const int DefaultRuns = 15;

    /// <summary>Runs discarded first (module compilation, JIT warm-up).</summary>
    private const int WarmUpRuns = 2;

    [Test]
    public async Task MeasureBrowserFigures()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable(RunsVariable), CultureInfo.InvariantCulture, out var configured) && configured > 0 ? configured : DefaultRuns;
        await using var server = await WebAssetServer.StartAsync();
        var page = server.AddPage(VerifierPage.Path, VerifierPage.Html);
        using var driver = Chromium.Start();
        driver.Navigate().GoToUrl(page);
        Assert.That(driver.ExecuteAsyncScript(VerifierPage.WaitForLoadScript), Is.Null);

        var figures = new List<string>();
        var sizes = new List<string>();
        foreach (var suite in CryptoSuites.Names)
        {
            var valid = CrossCheckMatrix.Of(suite).Single(c => c.Name == $"{suite}/valid");
            var trusted = Convert.ToHexStringLower(valid.TrustedGenesisSha256!);
            var times = Time(driver, valid, trusted, runs + WarmUpRuns).Skip(WarmUpRuns).Order().ToList();
            var median = times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
            var html = SelfVerifyingHtml.Build(valid.Bundle, trusted);
            var name = suite.Split('-')[0];
            TestContext.Out.WriteLine($"{suite}: bundle {valid.Bundle.Length} bytes, verifyBundle median {median:F1} ms over {runs} runs (min {times[0]:F1}, max {times[^1]:F1}), self-verifying HTML {html.Length} bytes");
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"verify_ms_{name}={median:F1}"));
            sizes.Add(string.Create(CultureInfo.InvariantCulture, $"html_bytes_{name}={html.Length} bundle_bytes_{name}={valid.Bundle.Length}"));
        }

        var line = string.Join(' ', figures.Concat(sizes));
        TestContext.Out.WriteLine(line);
        if (Environment.GetEnvironmentVariable(OutputVariable) is { Length: > 0 } file)
        {
            await File.WriteAllTextAsync(file, line + "\n");
        }
    }

    private static List<double> Time(ChromeDriver driver, MatrixCase valid, string trusted, int runs)
    {
        var result = driver.ExecuteAsyncScript(VerifierPage.TimeVerificationScript, Convert.ToBase64String(valid.Bundle), trusted, runs) as IDictionary<string, object> ?? throw new InvalidOperationException("the timing script returned nothing");
        if (result.TryGetValue("error", out var error) && error is not null)
        {
            Assert.Fail($"verifyBundle failed on {valid.Name}: {error}");
        }

        return [.. ((IEnumerable<object>)result["times"]).Select(t => Convert.ToDouble(t, CultureInfo.InvariantCulture))];
    }
}
