namespace Ledger.Node.Configuration;

/// <summary>
/// Bounds of the node's listeners (Kestrel, HTTP/2) and of the public API's streams, each set on
/// purpose rather than left to framework defaults, and checked against each other at start-up
/// (<see cref="Validate"/>). Bound from <c>Node:Api:*</c>. A client that opens streams and never reads
/// their answers, or opens and resets streams as fast as it can (CVE-2023-44487), holds at most what
/// these bounds allow and is cut off by the write deadline and keep-alive, not by the node's memory.
/// </summary>
public sealed class ApiLimitsOptions
{
    /// <summary>Kestrel's (and RFC 9113's) smallest and largest HTTP/2 frame payload, bytes.</summary>
    public const int Http2FrameBytesFloor = 16 * 1024;

    public const int Http2FrameBytesCeiling = (16 * 1024 * 1024) - 1;

    /// <summary>HTTP/2's initial flow-control window (RFC 9113 §6.9.2): the smallest Kestrel accepts, bytes.</summary>
    public const int Http2WindowBytesFloor = 65_535;

    /// <summary>
    /// One SubmitStream's answers in flight: counted from the moment its request is read until its
    /// answer has been written to the connection (or the write abandoned). While the window is full the
    /// stream reads no more requests, so HTTP/2 flow control stops its client.
    /// </summary>
    public int SubmitStreamAnswersMax { get; set; } = 4_096;

    /// <summary>SubmitStream answers in flight over all streams of one connection.</summary>
    public int ConnectionAnswersMax { get; set; } = 16_384;

    /// <summary>SubmitStream answers in flight over the whole node (every connection together).</summary>
    public int NodeAnswersMax { get; set; } = 65_536;

    /// <summary>
    /// Longest a SubmitStream answer may wait to be written (the client is not reading: its HTTP/2 window
    /// is full). Beyond it the stream is reset and every slot it held freed; other streams are unaffected.
    /// </summary>
    public int ResponseWriteTimeoutMilliseconds { get; set; } = 30_000;

    /// <summary>
    /// Response bytes one stream may have handed to Kestrel and not yet sent (the client's window is
    /// shut); a write beyond it waits, and the write deadline above then applies.
    /// </summary>
    public int ResponseBufferBytesMax { get; set; } = 64 * 1024;

    /// <summary>Concurrent HTTP/2 streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).</summary>
    public int Http2StreamsPerConnectionMax { get; set; } = 100;

    /// <summary>Largest HTTP/2 frame payload this node accepts (SETTINGS_MAX_FRAME_SIZE).</summary>
    public int Http2FrameBytesMax { get; set; } = Http2FrameBytesFloor;

    /// <summary>HPACK dynamic table size (SETTINGS_HEADER_TABLE_SIZE), bytes.</summary>
    public int Http2HeaderTableBytes { get; set; } = 4_096;

    /// <summary>Largest single request header field after HPACK decoding, bytes.</summary>
    public int RequestHeaderFieldBytesMax { get; set; } = 16 * 1024;

    /// <summary>All request headers of one request together (SETTINGS_MAX_HEADER_LIST_SIZE), bytes.</summary>
    public int RequestHeadersTotalBytesMax { get; set; } = 32 * 1024;

    /// <summary>Request body bytes a connection may have buffered before its client must wait (HTTP/2 connection window).</summary>
    public int Http2ConnectionWindowBytes { get; set; } = 1024 * 1024;

    /// <summary>Request body bytes one stream may have buffered before its client must wait (HTTP/2 stream window).</summary>
    public int Http2StreamWindowBytes { get; set; } = 768 * 1024;

    /// <summary>Idle time after which the node pings a connection's client (HTTP/2 PING).</summary>
    public int KeepAlivePingDelayMilliseconds { get; set; } = 30_000;

    /// <summary>A connection whose client does not answer a ping within this time is closed.</summary>
    public int KeepAlivePingTimeoutMilliseconds { get; set; } = 20_000;

    /// <summary>Open connections over all listeners; beyond it new connections are refused.</summary>
    public int ConnectionsMax { get; set; } = 1_024;

    /// <summary>Time a client has to send a request's headers.</summary>
    public int RequestHeadersTimeoutMilliseconds { get; set; } = 10_000;

    public void Validate()
    {
        RequireWithin(nameof(SubmitStreamAnswersMax), SubmitStreamAnswersMax, 1, 1_000_000);
        if (ConnectionAnswersMax < SubmitStreamAnswersMax)
        {
            throw new InvalidOperationException(
                $"Node:Api:ConnectionAnswersMax ({ConnectionAnswersMax}) must be at least Node:Api:SubmitStreamAnswersMax ({SubmitStreamAnswersMax}), or one stream could not fill its own window");
        }

        if (NodeAnswersMax < ConnectionAnswersMax)
        {
            throw new InvalidOperationException(
                $"Node:Api:NodeAnswersMax ({NodeAnswersMax}) must be at least Node:Api:ConnectionAnswersMax ({ConnectionAnswersMax}), or one connection could hold the whole node's budget");
        }

        RequireWithin(nameof(NodeAnswersMax), NodeAnswersMax, 1, 10_000_000);
        RequireWithin(nameof(ResponseWriteTimeoutMilliseconds), ResponseWriteTimeoutMilliseconds, 100, 600_000);
        RequireWithin(nameof(ResponseBufferBytesMax), ResponseBufferBytesMax, 4 * 1024, 64 * 1024 * 1024);
        RequireWithin(nameof(Http2StreamsPerConnectionMax), Http2StreamsPerConnectionMax, 1, 10_000);
        RequireWithin(nameof(Http2FrameBytesMax), Http2FrameBytesMax, Http2FrameBytesFloor, Http2FrameBytesCeiling);
        RequireWithin(nameof(Http2HeaderTableBytes), Http2HeaderTableBytes, 0, 1024 * 1024);
        RequireWithin(nameof(RequestHeaderFieldBytesMax), RequestHeaderFieldBytesMax, 1_024, 1024 * 1024);
        if (RequestHeadersTotalBytesMax < RequestHeaderFieldBytesMax)
        {
            throw new InvalidOperationException(
                $"Node:Api:RequestHeadersTotalBytesMax ({RequestHeadersTotalBytesMax}) must be at least Node:Api:RequestHeaderFieldBytesMax ({RequestHeaderFieldBytesMax})");
        }

        RequireWithin(nameof(RequestHeadersTotalBytesMax), RequestHeadersTotalBytesMax, 1_024, 1024 * 1024);
        RequireWithin(nameof(Http2StreamWindowBytes), Http2StreamWindowBytes, Http2WindowBytesFloor, 64 * 1024 * 1024);
        if (Http2ConnectionWindowBytes < Http2StreamWindowBytes)
        {
            throw new InvalidOperationException(
                $"Node:Api:Http2ConnectionWindowBytes ({Http2ConnectionWindowBytes}) must be at least Node:Api:Http2StreamWindowBytes ({Http2StreamWindowBytes})");
        }

        RequireWithin(nameof(Http2ConnectionWindowBytes), Http2ConnectionWindowBytes, Http2WindowBytesFloor, 256 * 1024 * 1024);
        RequireWithin(nameof(KeepAlivePingDelayMilliseconds), KeepAlivePingDelayMilliseconds, 1_000, 3_600_000);
        RequireWithin(nameof(KeepAlivePingTimeoutMilliseconds), KeepAlivePingTimeoutMilliseconds, 1_000, 600_000);
        RequireWithin(nameof(ConnectionsMax), ConnectionsMax, 4, 1_000_000);
        RequireWithin(nameof(RequestHeadersTimeoutMilliseconds), RequestHeadersTimeoutMilliseconds, 100, 600_000);
    }

    private static void RequireWithin(string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new InvalidOperationException($"Node:Api:{name} must be within {min}..{max}, was {value}");
        }
    }
}
