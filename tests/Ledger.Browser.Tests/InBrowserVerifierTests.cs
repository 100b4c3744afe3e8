using System.Text.Json.Nodes;
using Ledger.Browser.Tests.Matrix;
using Ledger.Browser.Tests.Support;
using Ledger.Core.Crypto;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests;

/// <summary>
/// Issue #17 item 5, in real Chromium: every case of the cross-check matrix through web/verifier's
/// verifyBundle (loaded from the embedded web/ files through an import map) reaches the same outcome as
/// the C# verifier and the CLI's report. One browser for the fixture.
/// </summary>
[NonParallelizable]
public sealed class InBrowserVerifierTests
{
    /// <summary>Cases per script call: small enough to stay far below the script timeout with SM2 in pure JS.</summary>
    private const int CasesPerCall = 24;

    /// <summary>Differences printed in full when the verifiers disagree (the rest are counted).</summary>
    private const int DifferencesShown = 25;

    private WebAssetServer server = null!;
    private ChromeDriver driver = null!;

    private static IEnumerable<string> SuiteNames => CryptoSuites.Names;

    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        BrowserInstall.EnsureInstalled();
        server = await WebAssetServer.StartAsync();
        var page = server.AddPage(VerifierPage.Path, VerifierPage.Html);
        driver = Chromium.Start();
        driver.Navigate().GoToUrl(page);
        var failure = driver.ExecuteAsyncScript(VerifierPage.WaitForLoadScript);
        Assert.That(failure, Is.Null, "web/verifier/index.js must load in the browser (helper jsverify's verifyBundle)");
    }

    [OneTimeTearDown]
    public async Task StopBrowser()
    {
        driver?.Quit();
        driver?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(SuiteNames))]
    public void VerifyBundle_EveryMatrixCase_SameOutcomeAsCli(string suite)
    {
        var cases = CrossCheckMatrix.Of(suite);

        var outcomes = VerifyInBrowser(cases);

        var differences = cases.Zip(outcomes)
            .SelectMany(pair => OutcomeComparison.Differences(pair.First.Expected, pair.Second).Select(d => $"{pair.First.Name}: {d}"))
            .ToList();
        TestContext.Out.WriteLine($"{cases.Count} cases of {suite} verified in Chromium, {differences.Count} differences");
        Assert.That(differences, Is.Empty, $"first {DifferencesShown} of {differences.Count}:\n{string.Join("\n", differences.Take(DifferencesShown))}");
    }

    private List<JsonNode?> VerifyInBrowser(IReadOnlyList<MatrixCase> cases)
    {
        var outcomes = new List<JsonNode?>(cases.Count);
        foreach (var chunk in cases.Chunk(CasesPerCall))
        {
            var arguments = chunk.Select(c => new Dictionary<string, object?>
            {
                ["bundle"] = Convert.ToBase64String(c.Bundle),
                ["trusted"] = c.TrustedGenesisSha256 is null ? null : Convert.ToHexStringLower(c.TrustedGenesisSha256),
                ["sha256"] = c.Content is null ? null : Convert.ToHexStringLower(c.Content.Sha256),
                ["sm3"] = c.Content?.Sm3 is null ? null : Convert.ToHexStringLower(c.Content.Sm3),
            }).ToList();
            var results = driver.ExecuteAsyncScript(VerifierPage.VerifyCasesScript, arguments) as IEnumerable<object> ?? throw new InvalidOperationException("the verify script returned no list");
            outcomes.AddRange(results.Select(r => JsonNode.Parse((string)r)));
        }

        return outcomes;
    }
}
