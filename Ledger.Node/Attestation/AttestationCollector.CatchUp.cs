using Ledger.Core.Blocks;
using Ledger.Core.Protocol;

namespace Ledger.Node.Attestation;

/// <summary>What became of one attestation a peer sent in answer to a catch-up request.</summary>
public enum FetchedAttestationOutcome
{
    /// <summary>Verified and stored: it now counts toward its block's certification here.</summary>
    Stored,

    /// <summary>This node already holds that node's attestation for that height; not verified again.</summary>
    AlreadyHeld,

    /// <summary>This node has not applied a block at that height, so has nothing to compare it with.</summary>
    BlockNotHeld,

    /// <summary>Its node is not an attester of that height (unknown, not yet added, or removed before it).</summary>
    NotAnAttester,

    /// <summary>Its signature does not verify under that node's key (or names another key or suite).</summary>
    BadSignature,

    /// <summary>It vouches for a different block hash than the block this node applied at that height.</summary>
    OtherBlock,
}

/// <summary>Metric labels for <see cref="FetchedAttestationOutcome"/>: fixed snake_case strings, one per value.</summary>
public static class FetchedAttestationOutcomes
{
    public static string Label(FetchedAttestationOutcome outcome) => outcome switch
    {
        FetchedAttestationOutcome.Stored => "stored",
        FetchedAttestationOutcome.AlreadyHeld => "already_held",
        FetchedAttestationOutcome.BlockNotHeld => "block_not_held",
        FetchedAttestationOutcome.NotAnAttester => "not_an_attester",
        FetchedAttestationOutcome.BadSignature => "bad_signature",
        FetchedAttestationOutcome.OtherBlock => "other_block",
        _ => "unknown",
    };
}

/// <summary>
/// The collector's side of certification catch-up (see <see cref="AttestationCatchUp"/>): attestations a
/// peer relays for blocks this node applied while it missed their broadcast. They pass the same checks as
/// a broadcast attestation — an attester of that height per the registry's node records, a valid signature
/// under that node's key, a valid checkpoint signature when it carries one — and one more: they must vouch for exactly the block this node applied. A relayed
/// attestation for another hash is refused and not stored (a broadcast one is kept as evidence of a
/// divergence; a relayed one proves nothing the signer's own broadcast would not).
/// </summary>
public sealed partial class AttestationCollector
{
    /// <summary>Checks and, when it vouches for the block this node applied, stores one relayed attestation.</summary>
    public FetchedAttestationOutcome AcceptFetched(Core.Protocol.Attestation attestation)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        var header = blocks.GetHeader(attestation.Height);
        if (header is null)
        {
            return FetchedAttestationOutcome.BlockNotHeld;
        }

        if (directory.Nodes.Find(attestation.NodeId) is not { } signer || !signer.AttestsAt(header.Height))
        {
            return FetchedAttestationOutcome.NotAnAttester;
        }

        // Compared before the signature is checked: a hash that is not ours is refused at the cost of a comparison.
        if (!attestation.BlockHash.Span.SequenceEqual(BlockHash.Compute(header, chain.Hash)))
        {
            return FetchedAttestationOutcome.OtherBlock;
        }

        if (store.Contains(header.Height, attestation.NodeId))
        {
            return FetchedAttestationOutcome.AlreadyHeld;
        }

        if (signer.AttestationKey is not { } key || !BlockAttestations.VerifySignature(key, attestation, chain.ChainId))
        {
            return FetchedAttestationOutcome.BadSignature;
        }

        // Its checkpoint signature (when it carries one) is checked as a broadcast one is: one that does not verify refuses it whole.
        if (!checkpoints.Admit(attestation, key, header))
        {
            return FetchedAttestationOutcome.BadSignature;
        }

        Keep(OnlyWhatWasVerified(attestation));
        if (store.Get(header.Height).Count >= directory.Nodes.QuorumAt(header.Height) && GetCertified(header.Height) is not null)
        {
            store.MarkCertified(header.Height);
        }

        return FetchedAttestationOutcome.Stored;
    }

    /// <summary>
    /// The fields the attestation's signature covers or that were checked against it (node, key id, suite,
    /// height, block hash, signature, checkpoint signature) and nothing else: whatever else a relaying peer
    /// put in the message (fields unknown to this version) was checked by no one here and is not kept.
    /// </summary>
    private static Core.Protocol.Attestation OnlyWhatWasVerified(Core.Protocol.Attestation attestation) => new()
    {
        NodeId = attestation.NodeId,
        KeyId = attestation.KeyId,
        Suite = attestation.Suite,
        BlockHash = attestation.BlockHash,
        Height = attestation.Height,
        Signature = attestation.Signature,
        CheckpointSignature = attestation.CheckpointSignature,
    };

    /// <summary>
    /// What this node serves a catching-up peer for <paramref name="height"/>: the attestations it stores that
    /// vouch for the block it applied there, from attesters of that height (not yet a quorum, possibly). Empty
    /// when it has not applied that height.
    /// </summary>
    public IReadOnlyList<Core.Protocol.Attestation> AgreeingAttestations(ulong height)
    {
        var header = blocks.GetHeader(height);
        if (header is null)
        {
            return [];
        }

        var hash = BlockHash.Compute(header, chain.Hash);
        var nodes = directory.Nodes;
        var agreeing = new List<Core.Protocol.Attestation>();
        foreach (var attestation in store.Get(height))
        {
            if (attestation.BlockHash.Span.SequenceEqual(hash) && nodes.Find(attestation.NodeId) is { } signer && signer.AttestsAt(height))
            {
                agreeing.Add(attestation);
            }
        }

        return agreeing;
    }
}
