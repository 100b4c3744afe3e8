namespace Ledger.Storage.Blocks;

/// <summary>A block offered for storage breaks a chain rule; nothing was written.</summary>
public sealed class BlockInvariantException(BlockInvariant violation, ulong height, string message)
    : Errors.StorageException($"block {height}: {message}")
{
    public BlockInvariant Violation { get; } = violation;

    public ulong Height { get; } = height;
}
