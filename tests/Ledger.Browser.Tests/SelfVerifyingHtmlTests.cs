using Ledger.Browser.Tests.Matrix;
using Ledger.Browser.Tests.Support;
using Ledger.Cli.Evidence;
using Ledger.Core.Crypto;
using Ledger.Web;
using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests;

/// <summary>
/// Issue #17 item 4: the one-file HTML (<see cref="SelfVerifyingHtml.Build"/>, helper "verifypage") opened
/// from disk verifies itself with no network and puts its verdict first in the title.
/// </summary>
[NonParallelizable]
public sealed class SelfVerifyingHtmlTests
{
    private string directory = null!;
    private ChromeDriver driver = null!;

    /// <summary>(sample file of docs/samples, the verdict its title must start with).</summary>
    private static IEnumerable<TestCaseData> Samples =>
    [
        new TestCaseData("valid.json", "VALID"),
        new TestCaseData("rejected.json", "REJECTED"),
        new TestCaseData("tampered.json", "INVALID"),
    ];

    private static IEnumerable<string> SuiteNames => CryptoSuites.Names;

    [OneTimeSetUp]
    public void StartBrowser()
    {
        BrowserInstall.EnsureInstalled();
        directory = Directory.CreateTempSubdirectory("ledger-self-verifying-").FullName;
        driver = Chromium.Start();
    }

    [OneTimeTearDown]
    public void StopBrowser()
    {
        driver?.Quit();
        driver?.Dispose();
        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Unshare_CutsTheNetwork_OnlyADownLoopbackLeft()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        Assert.That(OfflineChromium.InterfacesWithoutNetwork(), Is.EqualTo((string[])["lo"]));
        Assert.That(OfflineChromium.CanConnectWithoutNetwork(port), Is.False, "the host's loopback listener must be out of reach");
    }

    [TestCaseSource(nameof(Samples))]
    public void SelfVerifyingHtml_FromDiskWithNetworkCut_TitleStartsWithVerdict(string sample, string verdict)
    {
        var file = WriteSample(sample);

        var title = OfflineChromium.TitleOf(OfflineChromium.DumpDom(file));

        Assert.That(title, Does.StartWith(verdict));
        Assert.That(title, Does.Not.StartWith(verdict + "_"), "the verdict is a word of its own");
    }

    [TestCaseSource(nameof(Samples))]
    public void SelfVerifyingHtml_FromDiskInSelenium_TitleStartsWithVerdict(string sample, string verdict)
    {
        var file = WriteSample(sample);

        driver.Navigate().GoToUrl(new Uri(file).AbsoluteUri);
        var title = VerdictTitle.Wait(driver);

        Assert.That(title, Does.StartWith(verdict));
        Screenshots.SaveDesktopAndPhone(driver, $"self-verifying-{Path.GetFileNameWithoutExtension(sample)}");
    }

    [TestCaseSource(nameof(SuiteNames))]
    public void SelfVerifyingHtml_EverySuiteValidBundle_TitleStartsWithValid(string suite)
    {
        var valid = CrossCheckMatrix.Of(suite).Single(c => c.Name == $"{suite}/valid");
        var file = Path.Combine(directory, $"{suite}-valid.html");
        File.WriteAllBytes(file, SelfVerifyingHtml.Build(valid.Bundle, Convert.ToHexStringLower(valid.TrustedGenesisSha256!)));

        var title = OfflineChromium.TitleOf(OfflineChromium.DumpDom(file));

        Assert.That(title, Does.StartWith("VALID"));
    }

    private string WriteSample(string sample)
    {
        var bundle = SampleBundles.Create().Single(s => s.FileName == sample).Bytes;
        var file = Path.Combine(directory, Path.ChangeExtension(sample, ".html"));
        File.WriteAllBytes(file, SelfVerifyingHtml.Build(bundle, Convert.ToHexStringLower(new SampleChain().GenesisSha256)));
        return file;
    }
}
