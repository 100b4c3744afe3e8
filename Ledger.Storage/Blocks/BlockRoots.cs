namespace Ledger.Storage.Blocks;

/// <summary>The roots a block header must carry for a given list of transactions appended next.</summary>
public sealed record BlockRoots(byte[] TransactionRoot, ulong LogSize, byte[] LogRoot);
