using Grpc.Core;

namespace Ledger.Node.Submission;

/// <summary>A submission refused at the door, with the precise gRPC status it maps to. Nothing reached the log.</summary>
public sealed class SubmissionRejectedException(StatusCode statusCode, string message) : Exception(message)
{
    public StatusCode StatusCode { get; } = statusCode;

    public RpcException ToRpcException() => new(new Status(StatusCode, Message));
}
