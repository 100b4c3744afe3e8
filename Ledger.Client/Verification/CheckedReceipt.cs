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

    public Receipt Receipt { get; }

    public ReceiptStatus Status { get; }

    public bool IsVerified => Status == ReceiptStatus.Verified;

    /// <summary>The certificate of the receipt's block; set exactly when <see cref="IsVerified"/>.</summary>
    public QuorumCertificate? Certificate { get; }

    /// <summary>The nodes that certified the block (empty unless <see cref="IsVerified"/>).</summary>
    public IReadOnlyList<string> CertifiedBy => Certificate?.AttestingNodeIds ?? [];

    /// <summary>Why it is not verified, in words for a person (empty when verified).</summary>
    public string Detail { get; }

    public ByteString TxHash => Receipt.TxHash;

    public ulong BlockHeight => Receipt.BlockHeight;

    public uint Position => Receipt.Position;

    public TransactionResult Result => Receipt.Result;

    public BlockHeader Header => Receipt.Header;

    public InclusionProof LogInclusion => Receipt.LogInclusion;
}
