namespace Ledger.Node.Configuration;

/// <summary>The console log formats <c>Node:LogFormat</c> (<c>--log-format</c>) accepts.</summary>
public static class LogFormats
{
    public const string Simple = "simple";

    public const string Json = "json";
}
