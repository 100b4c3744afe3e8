using OpenQA.Selenium.Chrome;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// A headless Debian chromium driven through Debian's chromedriver. Both paths are given, so Selenium
/// Manager never runs and nothing is downloaded; --no-sandbox because the tests run as root.
/// </summary>
public static class Chromium
{
    public const int DesktopWidth = 1280;

    public const int DesktopHeight = 900;

    /// <summary>A phone's CSS width (iPhone 12-15).</summary>
    public const int PhoneWidth = 390;

    public const int PhoneHeight = 844;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    public static ChromeDriver Start()
    {
        BrowserInstall.EnsureInstalled();

        // Belt and braces: should Selenium ever look for a driver itself, it must not go online.
        Environment.SetEnvironmentVariable("SE_OFFLINE", "true");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserInstall.ChromeDriverPath)!, Path.GetFileName(BrowserInstall.ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = BrowserInstall.ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--hide-scrollbars",
            $"--window-size={DesktopWidth},{DesktopHeight}");
        var driver = new ChromeDriver(service, options, CommandTimeout);
        driver.Manage().Timeouts().AsynchronousJavaScript = CommandTimeout;
        return driver;
    }
}
