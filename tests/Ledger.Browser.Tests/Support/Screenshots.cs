using OpenQA.Selenium;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// Screenshots for review (issue #17): LEDGER_SCREENSHOT_DIR (set by .ci/run to .ci/results/screenshots),
/// else "screenshots" under the test run's work directory.
/// </summary>
public static class Screenshots
{
    public const string DirectoryVariable = "LEDGER_SCREENSHOT_DIR";

    public static string Directory =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");

    /// <summary>Saves the current page as <paramref name="name"/>.png at the window's current size and returns the path.</summary>
    public static string Save(IWebDriver driver, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{name}.png");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(path);
        TestContext.Out.WriteLine($"screenshot: {path}");
        TestContext.AddTestAttachment(path);
        return path;
    }

    /// <summary>Desktop and phone widths of the same page (the window is resized and put back).</summary>
    public static IReadOnlyList<string> SaveDesktopAndPhone(IWebDriver driver, string name)
    {
        var window = driver.Manage().Window;
        window.Size = new System.Drawing.Size(Chromium.DesktopWidth, Chromium.DesktopHeight);
        var desktop = Save(driver, $"{name}-desktop");
        window.Size = new System.Drawing.Size(Chromium.PhoneWidth, Chromium.PhoneHeight);
        var phone = Save(driver, $"{name}-390px");
        window.Size = new System.Drawing.Size(Chromium.DesktopWidth, Chromium.DesktopHeight);
        return [desktop, phone];
    }
}
