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
/// thread (stopping the node) or install a state no quorum certified. Cost: one pass over the state, once
/// per snapshot; the scratch database takes the staged files by hard link (<see cref="SnapshotFileLinks"/>),
/// so it needs no second copy's space on the staging file system.
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
            // The cause goes into the refusal (bounded): a learner whose disk cannot hold the scratch copy beside
            // the staged one must say "No space left on device", not just the exception's type (a 100M-item run's
            // learner refused a 16.8 GB snapshot twice with only "RocksDbException").
            return $"the staged snapshot does not install cleanly: {e.GetType().Name}: {Bounded(e.Message)}";
        }
        finally
        {
            DeleteScratch(scratchDirectory);
        }
    }

    /// <summary>Refusal text is logged and sent to the leader: at most this many characters of the cause.</summary>
    internal const int CauseCharactersMax = 300;

    private static string Bounded(string message) =>
        message.Length <= CauseCharactersMax ? message : string.Concat(message.AsSpan(0, CauseCharactersMax), "…");

    private static void DeleteScratch(string scratchDirectory)
    {
        if (Directory.Exists(scratchDirectory))
        {
            Directory.Delete(scratchDirectory, recursive: true);
        }
    }
}
