using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Ledger.Browser.Tests.Support;

/// <summary>The verifier pages put the verdict first in <c>document.title</c> once they have verified (issue #17 item 4).</summary>
public static class VerdictTitle
{
    public static readonly IReadOnlyList<string> Verdicts = ["VALID", "REJECTED", "INVALID", "NOT ANCHORED", "MALFORMED"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The title once it starts with a verdict word; fails with the title it had otherwise.</summary>
    public static string Wait(IWebDriver driver)
    {
        try
        {
            return new WebDriverWait(driver, Timeout).Until(d => Verdicts.Any(v => d.Title.StartsWith(v, StringComparison.Ordinal)) ? d.Title : null)!;
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"the title never named a verdict within {Timeout}: '{driver.Title}'");
            throw;
        }
    }
}
