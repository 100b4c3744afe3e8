namespace Ledger.Node.Services;

/// <summary>Events of the evidence service (6401-6409).</summary>
internal static partial class EvidenceServiceLog
{
    [LoggerMessage(EventId = 6401, Level = LogLevel.Error, Message = "Evidence export of tx {TxHash} refused: this node's own data does not make a VALID or REJECTED bundle (verdict {Verdict}): {Conclusion}")]
    public static partial void BundleDoesNotVerify(ILogger logger, string txHash, string verdict, string conclusion);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Error, Message = "Evidence export of tx {TxHash} refused: this node's data does not fit together into a bundle: {Detail}")]
    public static partial void BundleDoesNotAssemble(ILogger logger, string txHash, string detail);
}
