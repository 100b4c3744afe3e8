namespace Ledger.Node.Tls;

/// <summary>TLS certificate reload events (event ids 67xx).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 6701, Level = LogLevel.Information, Message = "TLS certificate {File} changed and was reloaded: thumbprint {Thumbprint}, valid until {NotAfter}; new connections use it")]
    public static partial void Reloaded(ILogger logger, string file, string thumbprint, string notAfter);

    [LoggerMessage(EventId = 6702, Level = LogLevel.Warning, Message = "TLS certificate {File} changed but was NOT reloaded: {Reason}; the previous certificate stays in use")]
    public static partial void ReloadRefused(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 6703, Level = LogLevel.Warning, Message = "TLS certificate {File} or key {KeyFile} could not be read for a reload check: {Reason}; the previous certificate stays in use")]
    public static partial void ReloadUnreadable(ILogger logger, string file, string keyFile, string reason);
}
