namespace Ledger.Node.Hosting;

/// <summary>Start-up and listener events (event ids 71xx).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "INSECURE: {Detail}, allowed by --insecure-plaintext-peers. Peers are NOT authenticated: anyone who reaches a peer port can act as a node. Development only.")]
    public static partial void InsecurePlaintextPeers(ILogger logger, string detail);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "SubmitStream answer not written within {TimeoutMilliseconds} ms (the client is not reading); the stream is reset and its {Held} slots freed")]
    public static partial void StreamWriteAbandoned(ILogger logger, int timeoutMilliseconds, int held);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "A SubmitStream submission failed unexpectedly; answered Internal")]
    public static partial void StreamSubmissionFailed(ILogger logger, Exception exception);
}
