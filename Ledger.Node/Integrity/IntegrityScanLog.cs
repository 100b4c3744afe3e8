namespace Ledger.Node.Integrity;

/// <summary>Background integrity scan events (event ids 63xx, in the 6xxx hosting range).</summary>
internal static partial class IntegrityScanLog
{
    [LoggerMessage(EventId = 6301, Level = LogLevel.Information, Message = "Integrity scan on: {BytesPerSecond} bytes/s at most, first pass in {StartDelaySeconds} s, then one every {PassIntervalSeconds} s after the last")]
    public static partial void Started(ILogger logger, long bytesPerSecond, int startDelaySeconds, int passIntervalSeconds);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Information, Message = "Integrity scan pass complete: {Blocks} blocks up to height {Height} and the table files verified, {Bytes} bytes read in {Seconds:F0} s")]
    public static partial void PassCompleted(ILogger logger, ulong blocks, ulong height, long bytes, double seconds);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Critical, Message = "Integrity scan found local disk damage: {Description}")]
    public static partial void DamageFound(ILogger logger, string description);

    [LoggerMessage(EventId = 6304, Level = LogLevel.Error, Message = "Integrity scan stopped on an error that is not disk damage (the node goes on serving, unscanned): {Error}")]
    public static partial void Failed(ILogger logger, string error);

    [LoggerMessage(EventId = 6305, Level = LogLevel.Information, Message = "Integrity scan pass begins again from the first block: a snapshot install replaced the state under it")]
    public static partial void PassRestarted(ILogger logger);
}
