namespace Ledger.Consensus;

/// <summary>A ReadIndex request waiting for a quorum to confirm the leader's leadership.</summary>
internal sealed class PendingRead
{
    public PendingRead(ulong sequence, ulong index, ulong requester, ReadOnlyMemory<byte> context)
    {
        Sequence = sequence;
        Index = index;
        Requester = requester;
        Context = context;
    }

    public ulong Sequence { get; }

    /// <summary>The leader's commit index when the request arrived: the read index.</summary>
    public ulong Index { get; }

    /// <summary>Node that asked (the leader itself for local requests).</summary>
    public ulong Requester { get; }

    public ReadOnlyMemory<byte> Context { get; }

    public List<ulong> Acks { get; } = new(capacity: 4);
}
