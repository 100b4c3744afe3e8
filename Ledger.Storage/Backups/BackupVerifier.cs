namespace Ledger.Storage.Backups;

/// <summary>
/// Checks a backup directory against its manifest before anything is restored from it: the manifest parses within its
/// bounds, the <c>db</c> directory holds exactly the files it lists (none missing, none added, no subdirectory), each
/// with the listed size and SHA-256. The first difference is a <see cref="BackupVerificationException"/> naming the file.
/// </summary>
public static class BackupVerifier
{
    public static BackupManifest Verify(string backupDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backupDirectory);
        var root = Path.GetFullPath(backupDirectory);
        if (!Directory.Exists(root))
        {
            throw new BackupVerificationException($"backup directory '{root}' does not exist");
        }

        var manifestPath = Path.Combine(root, BackupManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new BackupVerificationException($"'{root}' has no {BackupManifest.FileName}: it is not a backup, or the backup did not finish");
        }

        if (new FileInfo(manifestPath).Length > BackupManifest.ManifestBytesMax)
        {
            throw new BackupVerificationException($"{manifestPath} is larger than the {BackupManifest.ManifestBytesMax} bytes a manifest may have");
        }

        var manifest = BackupManifest.Parse(File.ReadAllBytes(manifestPath), manifestPath);
        var databaseDirectory = Path.Combine(root, BackupManifest.DatabaseDirectoryName);
        if (!Directory.Exists(databaseDirectory))
        {
            throw new BackupVerificationException($"backup '{root}' has no {BackupManifest.DatabaseDirectoryName} directory");
        }

        if (Directory.GetDirectories(databaseDirectory) is [var subdirectory, ..])
        {
            throw new BackupVerificationException($"backup '{root}' holds '{subdirectory}', which its manifest does not list");
        }

        var listed = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(databaseDirectory))
        {
            if (!listed.ContainsKey(Path.GetFileName(path)))
            {
                throw new BackupVerificationException($"backup file '{path}' is not in its manifest");
            }
        }

        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(databaseDirectory, file.Name);
            if (!File.Exists(path))
            {
                throw new BackupVerificationException($"backup file '{path}' listed in its manifest is missing");
            }

            var (sha, size) = BackupFiles.Hash(path, cancellationToken);
            if (size != file.SizeBytes)
            {
                throw new BackupVerificationException($"backup file '{path}' is {size} bytes; its manifest says {file.SizeBytes}");
            }

            if (!string.Equals(sha, file.Sha256Hex, StringComparison.OrdinalIgnoreCase))
            {
                throw new BackupVerificationException($"backup file '{path}' has SHA-256 {sha}; its manifest says {file.Sha256Hex}");
            }
        }

        return manifest;
    }
}
