using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;
using Ledger.Node.Chain;
using Ledger.Storage;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
using Ledger.Storage.Registry;
using Ledger.Storage.Snapshots;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Node.Snapshots;

/// <summary>
/// Installs a state snapshot Raft has accepted (after its record is durable in the Raft state) on
/// the apply thread: finds the verified copy the receiver staged, swaps the state column families in,
/// reloads the stores' in-memory views (blocks, attestations), has the similarity index rebuilt in the background, and checks the result — the new tip is the manifest's, and the
/// block at our old tip's height is our old tip (the snapshot extends our chain instead of replacing
/// it). A failed check throws: the drive loop stops and the node stops serving.
/// </summary>
public sealed class StateSnapshotRestorer(ChainContext chain, LedgerDatabase database, BlockStore blocks, AttestationStore attestations, RocksDbRegistryState registryState, SnapshotStaging staging, BlockNotifier notifier)
{
    public SnapshotStaging Staging => staging;

    public void Restore(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var applied = blocks.AppliedRaftIndex;
        if (snapshot.Metadata.Index <= applied)
        {
            // Never go back: state at or past the snapshot is already here.
            return;
        }

        var manifest = ParseManifest(snapshot);
        var ready = staging.FindReady(manifest)
            ?? throw new SnapshotRejectedException($"raft accepted the snapshot at index {snapshot.Metadata.Index}, but no verified copy of it is staged");
        var oldTip = blocks.Tip;

        StateSnapshotInstaller.Install(database, ready, manifest);
        blocks.ReloadAfterStateReplaced();
        attestations.ReloadAfterStateReplaced();
        registryState.InvalidateSimilarityIndex();

        CheckInstalled(manifest, oldTip);
        staging.RemoveReadyUpTo(blocks.AppliedRaftIndex);
        notifier.Publish(blocks.LatestHeight);
    }

    private SnapshotManifest ParseManifest(Snapshot snapshot)
    {
        SnapshotManifest manifest;
        try
        {
            manifest = SnapshotManifest.Parser.ParseFrom(snapshot.Data.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SnapshotRejectedException($"raft snapshot at index {snapshot.Metadata.Index} carries no readable manifest: {e.Message}");
        }

        if (!SnapshotManifests.CarriesState(manifest))
        {
            throw new SnapshotRejectedException($"raft snapshot at index {snapshot.Metadata.Index} is a descriptor without state; no state image was transferred");
        }

        SnapshotManifests.Validate(manifest, chain.ChainId);
        if (manifest.Meta.Index != snapshot.Metadata.Index || manifest.Meta.Term != snapshot.Metadata.Term)
        {
            throw new SnapshotRejectedException($"snapshot manifest is at {manifest.Meta.Index}/{manifest.Meta.Term}, raft's snapshot at {snapshot.Metadata.Index}/{snapshot.Metadata.Term}");
        }

        return manifest;
    }

    private void CheckInstalled(SnapshotManifest manifest, ChainTip oldTip)
    {
        var tip = blocks.Tip;
        if (tip.Height != manifest.Height || tip.AppliedRaftIndex != manifest.Meta.Index)
        {
            throw new SnapshotRejectedException($"installed state has height {tip.Height} at raft index {tip.AppliedRaftIndex}, the manifest promised {manifest.Height} at {manifest.Meta.Index}");
        }

        if (tip.Height > 0)
        {
            var header = blocks.GetHeader(tip.Height)!;
            if (!BlockHash.Compute(header, chain.Hash).AsSpan().SequenceEqual(manifest.LastBlockHash.Span))
            {
                throw new SnapshotRejectedException($"installed tip at height {tip.Height} does not hash to the manifest's last block hash");
            }
        }

        if (oldTip.Height > 0)
        {
            var sameHeight = oldTip.Height <= tip.Height ? blocks.GetBlockHash(oldTip.Height) : null;
            if (sameHeight is null || !sameHeight.AsSpan().SequenceEqual(oldTip.BlockHash))
            {
                throw new SnapshotRejectedException($"installed chain does not contain this node's previous tip (height {oldTip.Height}): the chains diverged");
            }
        }
    }
}
