using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Browser.Tests.Support;
using Ledger.Client;
using Ledger.Client.Signing;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests;

/// <summary>
/// Issue #17 items 2 and 6: the explorer (helper "explorer") served by a real 3-node cluster's web listener
/// (helper "webapi"), in Chromium, while registrations are submitted through the Ledger.Client SDK. One
/// cluster and one browser for the fixture.
/// </summary>
[NonParallelizable]
public sealed class ExplorerTests
{
    private const int NodeCount = 3;

    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The home page polls every 2 s; a committed block must be on it well within this.</summary>
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Attestations of a fresh block reach every node within a few heartbeats.</summary>
    private static readonly TimeSpan CertifiedTimeout = TimeSpan.FromSeconds(30);

    private WebCluster cluster = null!;
    private LedgerClient client = null!;
    private TransactionBuilder platform = null!;
    private byte[] genesisBytes = null!;
    private ChromeDriver driver = null!;
    private string directory = null!;

    private Uri Explorer => cluster.WebUrls[0];

    [OneTimeSetUp]
    public async Task StartClusterAndBrowser()
    {
        BrowserInstall.EnsureInstalled();
        directory = Directory.CreateTempSubdirectory("ledger-explorer-").FullName;
        cluster = WebCluster.Start(NodeCount);
        await cluster.WaitForLeaderAsync(LeaderTimeout);
        genesisBytes = File.ReadAllBytes(cluster.Consortium.GenesisPath);
        client = new LedgerClient(new LedgerClientOptions
        {
            Endpoints = [.. cluster.Consortium.Nodes.Select(n => new Uri(n.PublicUrl))],
            Genesis = ConsortiumGenesis.Parse(genesisBytes),
        });
        platform = new TransactionBuilder(cluster.Consortium.Platform, cluster.Consortium.ChainId);
        driver = Chromium.Start();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        driver?.Quit();
        driver?.Dispose();
        if (client is not null)
        {
            await client.DisposeAsync();
        }

        cluster?.Dispose();
        if (directory is not null)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task LatestBlocks_RegistrationsCommit_BlocksAppearWithoutReload()
    {
        driver.Navigate().GoToUrl(Explorer);
        PageWaits.Element(driver, PageWaits.TestId("latest-blocks"));

        var first = await RegisterAsync("first live registration");
        var firstRow = PageWaits.Element(driver, PageWaits.TestId("block-row", "data-height", Height(first)), LiveTimeout);
        var second = await RegisterAsync("second live registration");
        PageWaits.Element(driver, PageWaits.TestId("block-row", "data-height", Height(second)), LiveTimeout);

        Assert.That(firstRow.Displayed, Is.True, "the first row is still the same element: the page was not reloaded");
        PageWaits.Element(driver, By.CssSelector($"tr[data-height='{Height(first)}'][data-certified='yes']"), LiveTimeout);
        Assert.That(firstRow.FindElement(PageWaits.TestId("block-certified")).Text, Does.StartWith("yes"), "a row drawn before its block was certified is updated in place, without reload");
        Screenshots.SaveDesktopAndPhone(driver, "explorer-home");
    }

    [Test]
    public async Task Block_OfARegistration_ShowsItsCertification()
    {
        var registered = await RegisterAsync("a block to look at");

        var verdict = OpenUntilCertified(new Uri(Explorer, $"#/block/{Height(registered)}"));
        PageWaits.Element(driver, PageWaits.TestId("transaction-row", "data-tx-hash", Hex(registered.TxHash)));

        Assert.That(verdict.Displayed, Is.True);
        Assert.That(driver.FindElements(PageWaits.TestId("attestation-row")), Has.Count.GreaterThanOrEqualTo((NodeCount / 2) + 1));
        Screenshots.SaveDesktopAndPhone(driver, "explorer-block");
    }

    [Test]
    public async Task DropFile_RegisteredContent_FindsTheRegistration()
    {
        var content = Encoding.UTF8.GetBytes($"a photograph dropped on the explorer {Guid.NewGuid()}");
        var file = Path.Combine(directory, "dropped-photo.jpg");
        await File.WriteAllBytesAsync(file, content);
        var registered = await RegisterAsync("the dropped photograph", content);

        driver.Navigate().GoToUrl(new Uri(Explorer, "#/file"));
        PageWaits.Element(driver, By.Id("file-input")).SendKeys(file);
        var match = PageWaits.Element(driver, PageWaits.TestId("content-match", "data-found", "true"));

        Assert.That(driver.Url, Does.EndWith($"#/content/{Hex(SHA256.HashData(content))}"));
        Assert.That(match.Text, Does.Contain(Hex(registered.TxHash)).IgnoreCase.Or.Contain("the dropped photograph"));
        Screenshots.SaveDesktopAndPhone(driver, "explorer-drop-a-file");
    }

    [Test]
    public async Task WorkHistory_RegisteredWork_ShowsTheRegistration()
    {
        var registered = await RegisterAsync("a work with a history");
        var workId = Hex([.. registered.TxHash, 0, 0, 0, 0]);

        driver.Navigate().GoToUrl(new Uri(Explorer, $"#/work/{workId}"));
        var events = PageWaits.Element(driver, PageWaits.TestId("history-event"));

        Assert.That(events.GetAttribute("data-kind"), Does.Contain("REGISTER"));
        Screenshots.SaveDesktopAndPhone(driver, "explorer-work-history");
    }

    [Test]
    public async Task DownloadBundle_RegisteredContent_BytesVerifyValidInCSharp()
    {
        var content = Encoding.UTF8.GetBytes($"a photograph whose evidence is downloaded {Guid.NewGuid()}");
        var registered = await RegisterAsync("evidence for the court", content);
        driver.Navigate().GoToUrl(new Uri(Explorer, $"#/content/{Hex(SHA256.HashData(content))}"));

        var link = PageWaits.Element(driver, By.Id("download-bundle"));
        var href = new Uri(link.GetDomProperty("href") ?? link.GetAttribute("href") ?? throw new AssertionException("the download link has no href"));
        var bytes = await DownloadCertifiedAsync(href);
        var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(bytes), new EvidenceVerificationOptions { TrustedGenesisSha256 = SHA256.HashData(genesisBytes) });

        Assert.That(href.Authority, Is.EqualTo(Explorer.Authority), "the explorer fetches only its own origin");
        Assert.That(report.FirstFailure, Is.Null);
        Assert.That(report.Verdict, Is.EqualTo(EvidenceVerdict.Valid));
        Assert.That(report.TxHashHex, Is.EqualTo(Hex(registered.TxHash)));
    }

    /// <summary>
    /// The block page renders the certification it read; node-1 may not hold a quorum of attestations yet
    /// when the page first reads them, so the page is reloaded until it says certified.
    /// </summary>
    private IWebElement OpenUntilCertified(Uri page)
    {
        var deadline = DateTime.UtcNow + CertifiedTimeout;
        driver.Navigate().GoToUrl(page);
        while (true)
        {
            var verdict = PageWaits.Element(driver, PageWaits.TestId("certification-verdict"));
            if (verdict.GetAttribute("data-certified") == "true" || DateTime.UtcNow > deadline)
            {
                Assert.That(verdict.GetAttribute("data-certified"), Is.EqualTo("true"), $"not certified within {CertifiedTimeout}: {verdict.Text}");
                return verdict;
            }

            Thread.Sleep(TimeSpan.FromMilliseconds(500));
            driver.Navigate().Refresh();
        }
    }

    /// <summary>The bundle's bytes; the node refuses until the block is certified, so a refusal is retried for a while.</summary>
    private async Task<byte[]> DownloadCertifiedAsync(Uri href)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + CertifiedTimeout;
        while (true)
        {
            using var response = await http.GetAsync(href);
            var body = await response.Content.ReadAsByteArrayAsync();
            if (response.IsSuccessStatusCode)
            {
                return body;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"GET {href} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task<Receipt> RegisterAsync(string title, byte[]? content = null)
    {
        var transaction = platform.RegisterWork(new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(SHA256.HashData(content ?? Encoding.UTF8.GetBytes($"{title} {Guid.NewGuid()}"))) },
            MediaType = MediaType.Image,
            Title = title,
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
        });
        var receipt = await client.SubmitAsync(transaction);
        Assert.That(receipt.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), receipt.Receipt.Result.Reason);
        return receipt.Receipt;
    }

    private static string Height(Receipt receipt) => receipt.BlockHeight.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
