using Microsoft.Extensions.Logging;

namespace Ledger.Node.Checkpoints;

/// <summary>Log events of checkpoints and witness cosignatures (32xx, within the attestation range 3xxx).</summary>
internal static partial class CheckpointLog
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Attestation from {NodeId} for height {Height} carries a checkpoint signature that does not verify; attestation ignored")]
    public static partial void BadNodeCheckpointSignature(ILogger logger, string nodeId, ulong height);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Witness {Witness} cosigned the checkpoint of tree size {TreeSize}")]
    public static partial void CosignatureAccepted(ILogger logger, string witness, ulong treeSize);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Cosignature refused ({Status}): {Detail}")]
    public static partial void CosignatureRefused(ILogger logger, string status, string detail);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Stored checkpoint signature of node {NodeId} at height {Height} does not verify; left out of the served checkpoint")]
    public static partial void StoredNodeSignatureInvalid(ILogger logger, string nodeId, ulong height);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Stored cosignature of {Witness} on tree size {TreeSize} does not verify against the registered witness keys; left out of the served checkpoint")]
    public static partial void StoredCosignatureInvalid(ILogger logger, string witness, ulong treeSize);
}
