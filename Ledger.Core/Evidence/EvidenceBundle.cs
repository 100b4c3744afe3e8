using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Everything needed to check one transaction offline: the signed transaction, its recorded
/// result and position, the inclusion proof of its log leaf, the certified header the proof ends
/// in, the consortium genesis, and the governance transactions that changed keys or nodes since. The JSON form is specified in
/// docs/evidence-bundle.md and read/written by <see cref="EvidenceBundleJson"/>.
/// </summary>
public sealed class EvidenceBundle
{
    public const string FormatName = "ledger-evidence-bundle";
    public const int CurrentFormatVersion = 1;

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

/// <summary>An item of a BatchRegister and its RFC 9162 proof to the batch's merkle_root.</summary>
public sealed class BatchItemEvidence
{
    public required BatchItem Item { get; init; }

    public required InclusionProof ItemProof { get; init; }
}
