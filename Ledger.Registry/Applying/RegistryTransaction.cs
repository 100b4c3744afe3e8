using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Signatures;

namespace Ledger.Registry.Applying;

/// <summary>
/// One committed transaction as the rules see it. <see cref="TxHash"/> is the signed transaction's
/// hash, computed by Core; the registry uses it as the id of what the transaction creates (work,
/// licence, claim, evidence, proposal) and for references. The rules check the signature themselves
/// (<see cref="SignatureRule"/>): from <see cref="Signed"/>, or by taking a
/// <see cref="PrecomputedSignature"/> the host computed for exactly these bytes. A transaction with
/// neither is rejected as unsigned.
/// </summary>
public sealed class RegistryTransaction
{
    /// <param name="signed">The committed envelope bytes and signature, exactly as in the block.</param>
    /// <param name="precomputedSignature">The host's verdict on <paramref name="signed"/>'s signature, if it checked it ahead of apply.</param>
    /// <param name="detachedItems">The transaction's detached items when <paramref name="signed"/> is not given (else its own are used).</param>
    /// <param name="checkedItems">The host's earlier parse and root of this transaction's detached items, if it made them (taken only for byte-identical items).</param>
    public RegistryTransaction(byte[] txHash, TransactionEnvelope envelope, SignedTransaction? signed = null, SignatureVerdict? precomputedSignature = null, ByteString? detachedItems = null, CheckedBatchItems? checkedItems = null)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        ArgumentNullException.ThrowIfNull(envelope);
        if (txHash.Length != RegistryLimits.HashBytes)
        {
            throw new ArgumentException($"transaction hash must be {RegistryLimits.HashBytes} bytes, was {txHash.Length}", nameof(txHash));
        }

        TxHash = txHash;
        Envelope = envelope;
        Signed = signed;
        PrecomputedSignature = precomputedSignature;
        DetachedItems = signed?.DetachedItems ?? detachedItems ?? ByteString.Empty;
        CheckedItems = checkedItems;
    }

    public byte[] TxHash { get; }

    public TransactionEnvelope Envelope { get; }

    public SignedTransaction? Signed { get; }

    public SignatureVerdict? PrecomputedSignature { get; }

    /// <summary>
    /// <c>SignedTransaction.detached_items</c> as committed: a BatchRegister's items (outside the
    /// transaction hash; the signed body binds them by merkle_root and item_count), empty otherwise.
    /// </summary>
    public ByteString DetachedItems { get; }

    /// <summary>
    /// A BatchRegister's detached items as the host already parsed them and hashed them to their
    /// root (the leader's door), or null: the rules use them only if <see cref="DetachedItems"/> are
    /// their very bytes (<see cref="CheckedBatchItems.Matches"/>), and parse and hash otherwise.
    /// </summary>
    public CheckedBatchItems? CheckedItems { get; }

    /// <summary>
    /// Set when the committed bytes could not be read as a transaction at all (they do not parse, are
    /// not canonical, or their envelope does not parse): the rules record this rejection and touch
    /// nothing else. <see cref="Envelope"/> is then empty.
    /// </summary>
    public TransactionOutcome? Undecodable { get; private init; }

    /// <summary>A committed transaction that could not be decoded; recorded as rejected with <paramref name="reason"/>.</summary>
    public static RegistryTransaction NotDecodable(byte[] txHash, RejectionReason reason, string detail) =>
        new(txHash, new TransactionEnvelope()) { Undecodable = TransactionOutcome.Rejected(reason, detail) };
}
