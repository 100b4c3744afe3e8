using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Applying;

/// <summary>
/// The last stage of the write path: where an applied transaction is, and its receipt (inclusion
/// proof against its block's log root) as the submitter receives it.
/// </summary>
internal sealed class Receipts(BlockStore blocks)
{
    /// <summary>Where an applied transaction is, or null.</summary>
    public CommittedTransaction? FindCommitted(byte[] transactionHash)
    {
        var stored = blocks.FindTransaction(transactionHash);
        return stored is null ? null : CommittedTransaction.From(stored);
    }

    /// <summary>Builds the receipt for an applied transaction: its inclusion proof against its block's log root.</summary>
    public Receipt BuildReceipt(CommittedTransaction committed) => new()
    {
        TxHash = ByteString.CopyFrom(committed.TransactionHash),
        BlockHeight = committed.Height,
        Position = committed.Position,
        Result = committed.Result,
        Header = committed.Header,
        // The block's proofs when built for its waiting submitters; else the one its lookup verified; else from the header at hand (no block re-read).
        LogInclusion = committed.Proofs?.Get(committed.Position) ?? committed.LogInclusion ?? blocks.GetLogInclusionProof(committed.Header, committed.Position, committed.Header.LogSize),
    };
}
