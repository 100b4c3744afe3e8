namespace Ledger.Storage.Blocks;

/// <summary>Which rule of the chain a block broke.</summary>
public enum BlockInvariant
{
    MissingHeader = 1,
    ChainIdMismatch,
    HeightNotNext,
    PreviousHashMismatch,
    ResultCountMismatch,
    TransactionCountMismatch,
    TransactionRootMismatch,
    LogSizeMismatch,
    LogRootMismatch,
    RaftIndexNotIncreasing,
    RaftIndexAfterApplied,
}
