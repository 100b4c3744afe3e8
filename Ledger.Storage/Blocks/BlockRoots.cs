using Ledger.Core.Protocol;

namespace Ledger.Storage.Blocks;

/// <summary>
/// The roots a block header must carry for a given list of transactions appended next. When made by
/// <see cref="BlockStore.ComputeRoots(IReadOnlyList{SignedTransaction}, IReadOnlyList{byte[]}, IReadOnlyList{TransactionResult})"/>
/// it also keeps what it hashed, so staging that very block need not hash it all again.
/// </summary>
public sealed record BlockRoots(byte[] TransactionRoot, ulong LogSize, byte[] LogRoot)
{
    /// <summary>The transactions and results the roots were computed from (same objects), with their hashes; null when not kept.</summary>
    internal ComputedLeaves? Leaves { get; init; }

    /// <summary>The log leaf hashes of the transactions, in order, when kept (see <see cref="Leaves"/>); not to be modified.</summary>
    public IReadOnlyList<byte[]>? LeafHashes => Leaves?.LeafHashes;
}

/// <summary>What <see cref="BlockRoots"/> were computed from: the transactions, results, their hashes, and the log size they followed.</summary>
internal sealed record ComputedLeaves(
    IReadOnlyList<SignedTransaction> Transactions,
    IReadOnlyList<TransactionResult> Results,
    IReadOnlyList<byte[]> TransactionHashes,
    byte[][] LeafHashes,
    ulong BaseLogSize);
