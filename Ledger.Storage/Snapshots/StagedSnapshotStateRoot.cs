using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.State;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Snapshots;

/// <summary>
/// Recomputes the state root of a staged (verified, not yet installed) snapshot: its registry-state
/// files are ingested into a scratch database beside the staging area and every committed entry is
/// folded again, so the live state is not touched until the image is known to reproduce the root its
/// last header commits to. Cost: one pass over the registry state, once per snapshot.
/// </summary>
public static class StagedSnapshotStateRoot
{
    private const ulong ScratchCacheBytes = 8UL * 1024 * 1024;

    public static byte[] Recompute(string readyDirectory, SnapshotManifest manifest, IHashAlgorithm hash, string scratchDirectory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hash);
        if (Directory.Exists(scratchDirectory))
        {
            Directory.Delete(scratchDirectory, recursive: true);
        }

        try
        {
            using (var scratch = LedgerDatabase.Open(new LedgerDatabaseOptions
            {
                DataDirectory = scratchDirectory,
                ChainId = manifest.ChainId,
                SyncWrites = false,
                BlockCacheBytes = ScratchCacheBytes,
                WriteBufferBytes = ScratchCacheBytes,
                BackgroundThreads = 1,
            }))
            {
                var ingest = new IngestExternalFileOptions().SetMoveFiles(false);
                foreach (var file in manifest.Files)
                {
                    if (string.Equals(file.ColumnFamily, ColumnFamilyNames.RegistryState, StringComparison.Ordinal))
                    {
                        scratch.Rocks.IngestExternalFiles([SnapshotStaging.PathOf(readyDirectory, file)], ingest, scratch.RegistryState);
                    }
                }

                return StateRoots.Recompute(new RocksDbRegistryState(scratch), hash);
            }
        }
        finally
        {
            if (Directory.Exists(scratchDirectory))
            {
                Directory.Delete(scratchDirectory, recursive: true);
            }
        }
    }
}
