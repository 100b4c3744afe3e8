namespace Ledger.Consensus;

/// <summary>
/// A host read entries of a <see cref="Ready"/> (or of one of its messages) after advancing it, and the node
/// has since reused that memory. The host broke the Ready contract; copy entries that must outlive Advance.
/// </summary>
public sealed class StaleEntrySliceException : InvalidOperationException
{
    public StaleEntrySliceException()
        : base("Entries of a Ready or of one of its messages were read after RaftNode.Advance recycled them; copy them (EntrySlice.ToArray, Message.Detach) before Advance.")
    {
    }
}
