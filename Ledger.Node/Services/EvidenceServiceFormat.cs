using Grpc.Core;

namespace Ledger.Node.Services;

/// <summary>What the evidence service sends: the bundle's JSON, or the self-verifying HTML page holding it.</summary>
public sealed record EvidenceServiceFormat(string Name, string ContentType, string FileExtension)
{
    public static readonly EvidenceServiceFormat Json = new("json", "application/json", "json");

    public static readonly EvidenceServiceFormat Html = new("html", "text/html; charset=utf-8", "html");

    /// <summary>The format a request names ("" is JSON); InvalidArgument for any other name.</summary>
    public static EvidenceServiceFormat Parse(string name) => name switch
    {
        "" or "json" => Json,
        "html" => Html,
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"format must be \"json\" (the default) or \"html\", was \"{Truncated(name)}\"")),
    };

    /// <summary>Echoes at most a short prefix of what the caller sent.</summary>
    private static string Truncated(string name) => name.Length <= 32 ? name : string.Concat(name.AsSpan(0, 32), "…");
}
