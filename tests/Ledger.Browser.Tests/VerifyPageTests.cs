using Ledger.Browser.Tests.Support;
using Ledger.Cli.Evidence;
using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests;

/// <summary>
/// Issue #17 item 4, the verifier page (web/verify.html, helper "verifypage") served over HTTP as the node
/// serves it, given a bundle in the URL fragment (<c>#bundle=&lt;base64url&gt;&amp;genesis-sha256=&lt;hex&gt;</c>).
/// </summary>
[NonParallelizable]
public sealed class VerifyPageTests
{
    private WebAssetServer server = null!;
    private ChromeDriver driver = null!;

    [OneTimeSetUp]
    public async Task StartBrowser()
    {
        BrowserInstall.EnsureInstalled();
        server = await WebAssetServer.StartAsync();
        driver = Chromium.Start();
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

    [TestCase("valid.json", "VALID", "verify-valid")]
    [TestCase("rejected.json", "REJECTED", "verify-rejected")]
    [TestCase("tampered.json", "INVALID", "verify-invalid")]
    public void VerifyPage_BundleInFragment_TitleStartsWithVerdict(string sample, string verdict, string screenshot)
    {
        var bundle = SampleBundles.Create().Single(s => s.FileName == sample).Bytes;
        var fragment = $"#bundle={Base64Url(bundle)}&genesis-sha256={Convert.ToHexStringLower(new SampleChain().GenesisSha256)}";

        driver.Navigate().GoToUrl(new Uri(server.BaseAddress, "verify.html" + fragment));
        var title = VerdictTitle.Wait(driver);

        Assert.That(title, Does.StartWith(verdict));
        Screenshots.SaveDesktopAndPhone(driver, screenshot);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
