namespace Ledger.Bench.Scale;

/// <summary>Finds the Release build of Ledger.Node that the bench project builds beside itself.</summary>
internal static class NodeBinary
{
    private static readonly string RelativePath = Path.Combine("Ledger.Node", "bin", "Release", "net10.0", "Ledger.Node.dll");

    public static string Locate(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new FileNotFoundException($"--node-dll {explicitPath} does not exist", explicitPath);
        }

        // The bench runs from bench/Ledger.Bench/bin/<config>/net10.0/: walk up to the repository root.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"no {RelativePath} above {AppContext.BaseDirectory}: build it (dotnet build Ledger.Node -c Release) or pass --node-dll");
    }
}
