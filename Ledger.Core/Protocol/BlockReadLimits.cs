namespace Ledger.Core.Protocol;

/// <summary>
/// The bounds of reading blocks from a node (<c>GetBlocks</c>, <c>Watch</c>), shared by the node that
/// enforces them and the client that pages within them, so the two cannot drift apart.
/// </summary>
/// <remarks>
/// A node answers one <c>GetBlocks</c> call with at most its configured blocks per call (default
/// <see cref="BlocksPerCallDefault"/>; it says its own value in <c>StatusResponse.blocks_per_call_max</c>)
/// and refuses a longer range with <c>InvalidArgument</c>. Each block travels as one message of at most
/// <see cref="BlockMessageBytesMax"/> bytes; a call has no other byte bound, because a reader holds one
/// block at a time and HTTP/2 flow control stops the node while the reader is busy.
/// </remarks>
public static class BlockReadLimits
{
    /// <summary>Blocks one GetBlocks call may ask for on a node that was not told otherwise.</summary>
    public const int BlocksPerCallDefault = 1_000;

    /// <summary>
    /// Largest message the public API sends (one block: a whole Raft batch of transactions and their
    /// results, at most 16 MiB by default, with room to spare); the node's send bound and the client's receive bound.
    /// </summary>
    public const int BlockMessageBytesMax = 64 * 1024 * 1024;
}
