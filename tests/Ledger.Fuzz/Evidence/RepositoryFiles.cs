namespace Ledger.Fuzz.Evidence;

/// <summary>Files of the repository the fuzzer runs from (found by walking up from the assembly's directory).</summary>
public static class RepositoryFiles
{
    public const string VerifierIndexPath = "web/verifier/index.js";

    /// <summary>The absolute path of web/verifier/index.js (node resolves its <c>#ledger/</c> imports through web/package.json).</summary>
    public static string VerifierIndex()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, VerifierIndexPath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{VerifierIndexPath} was not found above {AppContext.BaseDirectory}");
    }
}
