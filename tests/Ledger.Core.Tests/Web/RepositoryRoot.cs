namespace Ledger.Core.Tests.Web;

/// <summary>The repository checkout the tests run from (the directory holding Ledger.sln).</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ledger.sln not found above the test directory");
    }
}
