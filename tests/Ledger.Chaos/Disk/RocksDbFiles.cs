namespace Ledger.Chaos.Disk;

/// <summary>Finds and classifies the files of a RocksDB directory by RocksDB's own naming rules.</summary>
public static class RocksDbFiles
{
    /// <summary>
    /// The kind of a file by its name, or null for anything else (the <c>LOG</c> and <c>LOG.old.*</c> info
    /// logs, <c>LOCK</c>, <c>IDENTITY</c>, temporary files): those hold no data a node reads back.
    /// </summary>
    public static RocksDbFileKind? Classify(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName == "CURRENT")
        {
            return RocksDbFileKind.Current;
        }

        if (fileName.StartsWith("MANIFEST-", StringComparison.Ordinal) && IsNumber(fileName["MANIFEST-".Length..]))
        {
            return RocksDbFileKind.Manifest;
        }

        if (fileName.StartsWith("OPTIONS-", StringComparison.Ordinal) && IsNumber(fileName["OPTIONS-".Length..]))
        {
            return RocksDbFileKind.Options;
        }

        var extension = Path.GetExtension(fileName);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        if (!IsNumber(stem))
        {
            return null;
        }

        return extension switch
        {
            ".sst" => RocksDbFileKind.Sst,
            ".blob" => RocksDbFileKind.Blob,
            ".log" => RocksDbFileKind.Wal,
            _ => null,
        };
    }

    /// <summary>
    /// Every RocksDB file under <paramref name="directory"/> (recursively), in ordinal order of relative path,
    /// so a seeded choice among them is the same on every run over the same directory.
    /// </summary>
    public static IReadOnlyList<RocksDbFile> Enumerate(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = new List<RocksDbFile>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (Classify(Path.GetFileName(path)) is { } kind)
            {
                files.Add(new RocksDbFile(Path.GetRelativePath(directory, path), kind, new FileInfo(path).Length));
            }
        }

        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
