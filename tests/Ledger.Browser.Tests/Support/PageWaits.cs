using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Ledger.Browser.Tests.Support;

/// <summary>Waiting for what a page shows, by the stable <c>data-testid</c>s the pages document.</summary>
public static class PageWaits
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static By TestId(string testId, string? attribute = null, string? value = null) =>
        By.CssSelector(attribute is null ? $"[data-testid='{testId}']" : $"[data-testid='{testId}'][{attribute}='{value}']");

    /// <summary>The first element matching <paramref name="by"/> once it exists, or a failure naming what the page showed instead.</summary>
    public static IWebElement Element(IWebDriver driver, By by, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(driver, timeout ?? Default);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => d.FindElements(by).FirstOrDefault());
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"{by} did not appear within {timeout ?? Default} on {driver.Url}; the page said:\n{Text(driver)}");
            throw;
        }
    }

    private static string Text(IWebDriver driver)
    {
        try
        {
            var text = driver.FindElement(By.TagName("body")).Text;
            return text.Length > 2000 ? text[..2000] : text;
        }
        catch (WebDriverException exception)
        {
            return $"(unreadable: {exception.Message})";
        }
    }
}
