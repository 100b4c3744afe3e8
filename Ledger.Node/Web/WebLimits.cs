using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ledger.Node.Web;

/// <summary>
/// Bounds of the web listener, stated once. Its requests are GETs of small files and JSON reads, so
/// they are far tighter than the gRPC listeners'. The header bounds that Kestrel only sets server-wide
/// (<see cref="Configuration.ApiLimitsOptions.RequestHeadersTotalBytesMax"/>, per-field bytes) are shared
/// with the gRPC listeners and checked by Kestrel for every request.
/// </summary>
public static class WebLimits
{
    /// <summary>Open connections to the web listener at once; more are closed as they arrive (browsers open ~6 per origin, Watch holds one).</summary>
    public const int ConnectionsMax = 256;

    /// <summary>
    /// Request body bytes on the web listener: every route is a GET, so a body is never needed;
    /// a little room is left for clients that send an empty JSON object.
    /// </summary>
    public const long RequestBodyBytesMax = 1024;

    /// <summary>HTTP/1.1 request line (method, path with query, version): the longest route with every query parameter is well under 1 KiB.</summary>
    public const int RequestLineBytesMax = 8 * 1024;

    /// <summary>HTTP/1.1 request headers, count.</summary>
    public const int RequestHeaderCountMax = 64;

    /// <summary>HTTP/1.1 limits that Kestrel applies per server (the gRPC listeners speak only HTTP/2, so these bind the web and metrics listeners).</summary>
    public static void Apply(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.MaxRequestLineSize = RequestLineBytesMax;
        limits.MaxRequestHeaderCount = RequestHeaderCountMax;
    }
}
