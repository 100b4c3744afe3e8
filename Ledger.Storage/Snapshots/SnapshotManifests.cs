using Ledger.Core.Protocol;

namespace Ledger.Storage.Snapshots;

/// <summary>Facts derived from a <see cref="SnapshotManifest"/> and the checks every manifest must pass before anything is staged.</summary>
public static class SnapshotManifests
{
    public const string ManifestFileName = "manifest.pb";

    /// <summary>Manifests carry at most one file per state column family.</summary>
    public static int FilesMax => SnapshotColumnFamilies.InstallOrder.Count;

    /// <summary>
    /// Bytes one snapshot file may announce: 16 TiB, far above a 1.5-billion-item state (~300 GB) and low
    /// enough that <see cref="FilesMax"/> of them cannot overflow a 64-bit total. A peer's manifest is checked
    /// against it in <see cref="Validate"/>, so no size it sends can make the sum throw.
    /// </summary>
    public const ulong FileBytesMax = 1UL << 44;

    /// <summary>Bytes in the snapshot's stream (all its files); only for a manifest that passed <see cref="Validate"/> (the sum of unchecked sizes may overflow, and throws).</summary>
    public static ulong TotalBytes(SnapshotManifest manifest)
    {
        ulong total = 0;
        foreach (var file in manifest.Files)
        {
            total = checked(total + file.SizeBytes);
        }

        return total;
    }

    /// <summary>Names the staged copy: index and the first bytes of the content hash, so two snapshots never share a directory.</summary>
    public static string DirectoryName(SnapshotManifest manifest) =>
        $"{manifest.Meta.Index:D20}-{Convert.ToHexStringLower(manifest.ContentSha256.Span[..8])}";

    /// <summary>Whether this is a state image (files to install) rather than the local compaction descriptor.</summary>
    public static bool CarriesState(SnapshotManifest manifest) => manifest.ContentSha256.Length == 32;

    /// <summary>Throws <see cref="SnapshotRejectedException"/> unless the manifest is well formed and belongs to <paramref name="chainId"/>.</summary>
    public static void Validate(SnapshotManifest manifest, string chainId)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!string.Equals(manifest.ChainId, chainId, StringComparison.Ordinal))
        {
            throw new SnapshotRejectedException($"snapshot of chain '{manifest.ChainId}' offered to a node of chain '{chainId}'");
        }

        if (manifest.StorageFormatVersion > LedgerDatabase.FormatVersion)
        {
            // Its state may hold records this build would misread (format 8's compact content-hash values read by a 7).
            throw new SnapshotRejectedException($"snapshot of storage format {manifest.StorageFormatVersion} offered to a node of format {LedgerDatabase.FormatVersion}: upgrade this node first");
        }

        if (manifest.Meta is null || manifest.Meta.Index == 0 || manifest.Meta.Term == 0)
        {
            throw new SnapshotRejectedException("snapshot manifest has no raft index and term");
        }

        if (manifest.Meta.Voters.Count == 0)
        {
            throw new SnapshotRejectedException("snapshot manifest names no voters");
        }

        if (manifest.ContentSha256.Length != 32)
        {
            throw new SnapshotRejectedException($"snapshot content hash has {manifest.ContentSha256.Length} bytes, expected 32");
        }

        if (manifest.Files.Count > FilesMax)
        {
            throw new SnapshotRejectedException($"snapshot manifest lists {manifest.Files.Count} files, at most {FilesMax} are possible");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!SnapshotColumnFamilies.Contains(file.ColumnFamily) || !seen.Add(file.ColumnFamily))
            {
                throw new SnapshotRejectedException($"snapshot file for column family '{file.ColumnFamily}' is unknown or repeated");
            }

            if (file.SizeBytes == 0)
            {
                throw new SnapshotRejectedException($"snapshot file for '{file.ColumnFamily}' is empty");
            }

            if (file.SizeBytes > FileBytesMax)
            {
                throw new SnapshotRejectedException($"snapshot file for '{file.ColumnFamily}' announces {file.SizeBytes} bytes, more than the {FileBytesMax} a file may have");
            }
        }

        if (manifest.Height > 0)
        {
            var header = manifest.LastHeader ?? throw new SnapshotRejectedException("snapshot manifest has a height but no last header");
            if (header.Height != manifest.Height || !string.Equals(header.ChainId, chainId, StringComparison.Ordinal))
            {
                throw new SnapshotRejectedException($"snapshot last header (chain '{header.ChainId}', height {header.Height}) does not match the manifest (height {manifest.Height})");
            }

            if (header.RaftIndex > manifest.Meta.Index)
            {
                throw new SnapshotRejectedException($"snapshot last block was built from raft index {header.RaftIndex}, after the snapshot's index {manifest.Meta.Index}");
            }
        }
    }
}
