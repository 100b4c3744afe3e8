using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Everything needed to check one transaction (or one item of a batch) offline: the signed
/// transaction, its recorded result and position, the inclusion proof of its log leaf, the
/// certified header the proof ends in, the consortium genesis, the governance transactions that
/// changed keys or nodes since, and — when the ledger refused it as a duplicate — the prior
/// registration it names, with that registration's own proof and certified header. The JSON form
/// is specified in docs/evidence-bundle.md and read/written by <see cref="EvidenceBundleJson"/>.
/// </summary>
public sealed class EvidenceBundle
{
    public const string FormatName = "ledger-evidence-bundle";

    /// <summary>Format 2: item outcomes, prior registrations, transactions without detached items.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Format 1 is still read (it has no item outcome, so a batch item bundle of it cannot verify).</summary>
    public const int FormatVersion1 = 1;

    /// <summary>The version the bundle was read as (written bundles are always <see cref="CurrentFormatVersion"/>).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The signed transaction as recorded, without detached batch items (the tx hash does not cover them).</summary>
    public required SignedTransaction Transaction { get; init; }

    public required byte[] TransactionHash { get; init; }

    public required TransactionResult Result { get; init; }

    public required ulong BlockHeight { get; init; }

    public required uint Position { get; init; }

    public required InclusionProof LogInclusion { get; init; }

    public required CertifiedHeader CertifiedHeader { get; init; }

    /// <summary>The consortium genesis document, byte for byte as the nodes loaded it.</summary>
    public required byte[] Genesis { get; init; }

    /// <summary>Accepted governance transactions (ProposeChange, Vote) before the transaction, in chain order, each proven into the certified log; replayed from the genesis to know the node set and the signer's key (docs/evidence-bundle.md).</summary>
    public IReadOnlyList<GovernanceChangeEvidence> GovernanceChanges { get; init; } = [];

    /// <summary>Set when the evidence is for one item of a BatchRegister transaction.</summary>
    public BatchItemEvidence? BatchItem { get; init; }

    /// <summary>
    /// Set when the transaction (or item) was rejected with a reference to an earlier registration:
    /// that registration, proven on its own certified header, so the court sees both.
    /// </summary>
    public PriorRegistrationEvidence? PriorRegistration { get; init; }

    /// <summary>
    /// The latest cosigned checkpoint when the bundle was made, with the consistency proof from the
    /// certified header's log to it: which witnesses vouched that this log is the one everybody sees.
    /// </summary>
    public CheckpointEvidence? Checkpoint { get; init; }
}

/// <summary>
/// A C2SP tlog-checkpoint signed note (node signatures and witness cosignatures, docs/checkpoints.md)
/// and the RFC 9162 consistency proof from the bundle's certified log size to the checkpoint's size
/// (empty when they are equal).
/// </summary>
public sealed class CheckpointEvidence
{
    public required string SignedNote { get; init; }

    public required IReadOnlyList<byte[]> ConsistencyPath { get; init; }
}

/// <summary>One governance transaction (member/node/key change) with its own inclusion proof.</summary>
public sealed class GovernanceChangeEvidence
{
    public required SignedTransaction Transaction { get; init; }

    public required TransactionResult Result { get; init; }

    public required ulong BlockHeight { get; init; }

    public required uint Position { get; init; }

    public required InclusionProof LogInclusion { get; init; }
}

/// <summary>
/// An item of a BatchRegister: its RFC 9162 proof to the batch's merkle_root, and what the ledger
/// decided for it with that outcome's proof to the result's item_outcomes_root. The outcome is
/// absent only when the whole batch was rejected (then no item was registered) or in format 1.
/// </summary>
public sealed class BatchItemEvidence
{
    public required BatchItem Item { get; init; }

    public required InclusionProof ItemProof { get; init; }

    public BatchItemOutcome? Outcome { get; init; }

    public InclusionProof? OutcomeProof { get; init; }

    /// <summary>
    /// The evidence for item <paramref name="index"/> of a batch: its proof to the root over
    /// <paramref name="items"/> and, when the batch was accepted (<paramref name="outcomes"/> given),
    /// its outcome with the proof to the root over the outcomes. Small whatever the batch size: one
    /// item, two paths of ⌈log2 n⌉ hashes.
    /// </summary>
    public static BatchItemEvidence Build(IReadOnlyList<BatchItem> items, IReadOnlyList<BatchItemOutcome>? outcomes, int index, Hashing.IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, items.Count);
        var tree = new Merkle.MemoryMerkleTree(new Merkle.MerkleHasher(hash), items.Count);
        foreach (var item in items)
        {
            tree.AppendLeaf(BatchItemLeaf.Encode(item));
        }

        var itemProof = new InclusionProof { LeafIndex = (ulong)index, TreeSize = (ulong)items.Count };
        itemProof.Path.AddRange(tree.BuildInclusionProof((ulong)index, (ulong)items.Count).Select(Google.Protobuf.ByteString.CopyFrom));
        return new BatchItemEvidence
        {
            Item = items[index],
            ItemProof = itemProof,
            Outcome = outcomes?[index],
            OutcomeProof = outcomes is null ? null : BatchItemOutcomeTree.Prove(outcomes, index, hash),
        };
    }
}

/// <summary>
/// The earlier registration a rejection refers to: its transaction (and item, for a batch item),
/// result, position, inclusion proof and its own certified header. Its governance context is the
/// bundle's <see cref="EvidenceBundle.GovernanceChanges"/> up to its own log leaf.
/// </summary>
public sealed class PriorRegistrationEvidence
{
    public required SignedTransaction Transaction { get; init; }

    public required byte[] TransactionHash { get; init; }

    public required TransactionResult Result { get; init; }

    public required ulong BlockHeight { get; init; }

    public required uint Position { get; init; }

    public required InclusionProof LogInclusion { get; init; }

    public required CertifiedHeader CertifiedHeader { get; init; }

    public BatchItemEvidence? BatchItem { get; init; }
}
