namespace Ledger.Browser.Tests.Support;

/// <summary>The clone the tests were built from: the first directory above the test binaries holding Ledger.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Ledger.sln above {AppContext.BaseDirectory}");
    });

    public static string Path => Root.Value;
}
