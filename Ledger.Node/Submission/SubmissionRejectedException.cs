using Grpc.Core;

namespace Ledger.Node.Submission;

/// <summary>A submission refused at the door, with the precise gRPC status it maps to. Nothing reached the log.</summary>
public sealed class SubmissionRejectedException(StatusCode statusCode, string message, byte[]? transactionHash = null) : Exception(message)
{
    public StatusCode StatusCode { get; } = statusCode;

    /// <summary>The hash of the refused transaction, when it was computed (a replayed nonce may be an identical resubmission).</summary>
    public byte[]? TransactionHash { get; } = transactionHash;

    public RpcException ToRpcException() => new(new Status(StatusCode, Message));
}
