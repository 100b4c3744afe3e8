namespace Ledger.Node.Hosting;

/// <summary>Start-up and listener events (event ids 61xx, in the 6xxx hosting range).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "INSECURE: {Detail}, allowed by --insecure-plaintext-peers. Peers are NOT authenticated: anyone who reaches a peer port can act as a node. Development only.")]
    public static partial void InsecurePlaintextPeers(ILogger logger, string detail);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "SubmitStream answer not written within {TimeoutMilliseconds} ms (the client is not reading); the stream is reset and its {Held} slots freed")]
    public static partial void StreamWriteAbandoned(ILogger logger, int timeoutMilliseconds, int held);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "A SubmitStream submission failed unexpectedly; answered Internal")]
    public static partial void StreamSubmissionFailed(ILogger logger, Exception exception);
}
