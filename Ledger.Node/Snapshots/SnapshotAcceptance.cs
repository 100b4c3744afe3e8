using Google.Protobuf.Collections;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Consensus;
using Ledger.Node.Governance;
using Ledger.Node.Metrics;
using Ledger.Registry.Applying;
using Ledger.Storage.Snapshots;

namespace Ledger.Node.Snapshots;

/// <summary>
/// Who may install a state snapshot on this node, and what the snapshot must prove. A snapshot replaces
/// the whole state, so a node accepts one only (1) from the leader of its current term, as far as this
/// node's Raft knows; (2) when the manifest's last header is certified: attestations from a quorum of
/// the nodes that attest that height, by this node's directory, each verifying over the header's hash;
/// and (3) when the staged registry state, recomputed entry by entry, reproduces that header's
/// <c>state_root</c>. (1) and (2) are checked before a byte is staged, (1) again and (3) before Raft
/// sees the snapshot. Each refusal is counted in <c>ledger_snapshots_refused_total</c> by reason.
/// </summary>
public sealed class SnapshotAcceptance(ChainContext chain, NodeDirectory directory, Func<DriverStatus> raftStatus, NodeMetrics metrics, string scratchDirectory)
{
    /// <summary>
    /// Attestations a snapshot may carry for its last header: one per node at most, so never more than
    /// the registry's node bound. Each is a signature check, so the list is bounded before any is verified.
    /// </summary>
    public const int AttestationsMax = RegistryLimits.NodesMax;

    /// <summary>Null when <paramref name="sender"/> leads <paramref name="term"/>, this node's current term; else why not.</summary>
    public string? SenderRefusal(ulong sender, ulong term)
    {
        var status = raftStatus();
        if (status.Leader == sender && status.Term == term && sender != 0)
        {
            return null;
        }

        metrics.SnapshotsRefused.WithLabels("sender_not_leader").Inc();
        return $"raft node {sender} is not the leader of term {term} as this node knows it (leader {status.Leader} in term {status.Term}); only the current leader may install a snapshot";
    }

    /// <summary>Null when <paramref name="attestations"/> certify the manifest's last header; else why not.</summary>
    public string? CertificationRefusal(SnapshotManifest manifest, RepeatedField<Core.Protocol.Attestation> attestations)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(attestations);
        var failure = Certification(manifest, attestations);
        if (failure is not null)
        {
            metrics.SnapshotsRefused.WithLabels("header_not_certified").Inc();
        }

        return failure;
    }

    /// <summary>Null when the staged snapshot in <paramref name="readyDirectory"/> installs cleanly (in a scratch database) and reproduces the last header's state root; else why not.</summary>
    public string? StateRootRefusal(string readyDirectory, SnapshotManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var refusal = StagedSnapshotCheck.Verify(readyDirectory, manifest, chain.Hash, scratchDirectory);
        if (refusal is not null)
        {
            metrics.SnapshotsRefused.WithLabels("state_root_mismatch").Inc();
        }

        return refusal;
    }

    private string? Certification(SnapshotManifest manifest, RepeatedField<Core.Protocol.Attestation> attestations)
    {
        var header = manifest.LastHeader;
        if (manifest.Height == 0 || header is null)
        {
            return "the snapshot carries no block header to certify its state";
        }

        if (header.StateRoot.IsEmpty)
        {
            return $"the snapshot's header at height {manifest.Height} commits to no state root";
        }

        if (attestations.Count > AttestationsMax)
        {
            return $"the snapshot carries {attestations.Count} attestations for its header, more than {AttestationsMax} (one per node at most)";
        }

        var blockHash = BlockHash.Compute(header, chain.Hash);
        var nodes = directory.Nodes;
        var attesters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attestation in attestations)
        {
            // A node counts once: a repeat is not checked again.
            if (attesters.Contains(attestation.NodeId) || nodes.Find(attestation.NodeId) is not { } signer || !signer.AttestsAt(header.Height))
            {
                continue;
            }

            if (attestation.Height == header.Height
                && attestation.BlockHash.Span.SequenceEqual(blockHash)
                && signer.AttestationKey is { } key
                && BlockAttestations.VerifySignature(key, attestation, chain.ChainId))
            {
                attesters.Add(attestation.NodeId);
            }
        }

        var quorum = nodes.QuorumAt(header.Height);
        return attesters.Count >= quorum
            ? null
            : $"the snapshot's header at height {manifest.Height} is not certified: {attesters.Count} valid attestations, quorum is {quorum}";
    }
}
