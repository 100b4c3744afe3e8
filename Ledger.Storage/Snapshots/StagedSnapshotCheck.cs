using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry.State;
using Ledger.Storage.Errors;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Snapshots;

/// <summary>
/// Checks a staged (transferred and hash-verified, not yet installed) snapshot before the live state
/// is touched: installs it into a scratch database beside the staging area, with the installer's own
/// paired checks (applied index and height as the manifest promises), then recomputes the registry
/// state root entry by entry, not from the stored accumulator, and compares it with the root the
/// manifest's last header commits to. A snapshot that fails here would otherwise fail on the apply
/// thread (stopping the node) or install a state no quorum certified. Cost: one copy and one pass over
/// the state, once per snapshot.
/// </summary>
public static class StagedSnapshotCheck
{
    private const ulong ScratchCacheBytes = 8UL * 1024 * 1024;

    /// <returns>Null when the staged state installs cleanly and reproduces the header's state root; else why not.</returns>
    public static string? Verify(string readyDirectory, SnapshotManifest manifest, IHashAlgorithm hash, string scratchDirectory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(hash);
        if (manifest.LastHeader is null || manifest.LastHeader.StateRoot.IsEmpty)
        {
            return $"the snapshot's header at height {manifest.Height} commits to no state root";
        }

        DeleteScratch(scratchDirectory);
        try
        {
            byte[] root;
            using (var scratch = LedgerDatabase.Open(new LedgerDatabaseOptions
            {
                DataDirectory = scratchDirectory,
                ChainId = manifest.ChainId,
                SyncWrites = false,
                BlockCacheBytes = ScratchCacheBytes,
                WriteBufferBytes = ScratchCacheBytes,
                MemtableBudgetBytes = ScratchCacheBytes,
                BackgroundThreads = 1,
            }))
            {
                StateSnapshotInstaller.Install(scratch, readyDirectory, manifest);
                root = StateRoots.Recompute(new RocksDbRegistryState(scratch), hash);
            }

            return root.AsSpan().SequenceEqual(manifest.LastHeader.StateRoot.Span)
                ? null
                : $"the snapshot's registry state does not reproduce the state root of its header at height {manifest.Height}";
        }
        catch (Exception e) when (e is SnapshotRejectedException or StorageException or RocksDbException)
        {
            return $"the staged snapshot does not install cleanly: {e.GetType().Name}";
        }
        finally
        {
            DeleteScratch(scratchDirectory);
        }
    }

    private static void DeleteScratch(string scratchDirectory)
    {
        if (Directory.Exists(scratchDirectory))
        {
            Directory.Delete(scratchDirectory, recursive: true);
        }
    }
}
