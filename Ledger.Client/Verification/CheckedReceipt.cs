using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>
/// A receipt with how far the client could check it (<see cref="Status"/>). A receipt that fails a
/// check outright (proof, hash, chain, fork) is never returned: the call throws
/// <see cref="ClientVerificationException"/> instead. The receipt's own fields are repeated here for
/// convenience; they are the node's word unless <see cref="IsVerified"/>.
/// </summary>
public sealed class CheckedReceipt
{
    internal CheckedReceipt(Receipt receipt, ReceiptStatus status, QuorumCertificate? certificate, string detail)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if ((status == ReceiptStatus.Verified) != (certificate is not null))
        {
            throw new ArgumentException("a receipt is verified exactly when it carries a quorum certificate", nameof(certificate));
        }

        Receipt = receipt;
        Status = status;
        Certificate = certificate;
        Detail = detail;
    }

    /// <summary>The receipt as the node served it.</summary>
    public Receipt Receipt { get; }

    /// <summary>How far the client could check the receipt.</summary>
    public ReceiptStatus Status { get; }

    /// <summary>The inclusion proof checks against a header certified by a quorum and consistent with the trusted log.</summary>
    public bool IsVerified => Status == ReceiptStatus.Verified;

    /// <summary>The certificate of the receipt's block; set exactly when <see cref="IsVerified"/>.</summary>
    public QuorumCertificate? Certificate { get; }

    /// <summary>The nodes that certified the block (empty unless <see cref="IsVerified"/>).</summary>
    public IReadOnlyList<string> CertifiedBy => Certificate?.AttestingNodeIds ?? [];

    /// <summary>Why it is not verified, in words for a person (empty when verified).</summary>
    public string Detail { get; }

    /// <summary>The transaction's hash (suite hash of the envelope and signature).</summary>
    public ByteString TxHash => Receipt.TxHash;

    /// <summary>The height of the block holding the transaction.</summary>
    public ulong BlockHeight => Receipt.BlockHeight;

    /// <summary>The transaction's position in its block.</summary>
    public uint Position => Receipt.Position;

    /// <summary>What the registry did with the transaction (Ok, or a rejection code and reason).</summary>
    public TransactionResult Result => Receipt.Result;

    /// <summary>The header of the transaction's block.</summary>
    public BlockHeader Header => Receipt.Header;

    /// <summary>The proof of the transaction's leaf in the log the header commits to (log_size, log_root).</summary>
    public InclusionProof LogInclusion => Receipt.LogInclusion;
}
