namespace Ledger.Node.Chain;

/// <summary>
/// A data directory is bound to the genesis file it was created under: the database records the file's
/// SHA-256 (<see cref="ChainContext.GenesisSha256"/>) on first open and every later open compares
/// (<see cref="Storage.Errors.GenesisMismatchException"/>: the node refuses to start, naming both hashes).
/// A directory written before the hash was recorded gets it on its first open under this build; that is logged here.
/// </summary>
public static partial class GenesisBinding
{
    public static void Report(LedgerNode node, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.GenesisHashStampedOnExistingDirectory)
        {
            Stamped(logger, node.DatabaseDirectoryPath, Convert.ToHexStringLower(node.Chain.GenesisSha256));
        }
    }

    [LoggerMessage(EventId = 6721, Level = LogLevel.Warning, Message = "Data directory {Directory} had no genesis hash recorded (written by an older build): it is now bound to the genesis file with SHA-256 {GenesisSha256}; a start with any other genesis file is refused from now on")]
    private static partial void Stamped(ILogger logger, string directory, string genesisSha256);
}
