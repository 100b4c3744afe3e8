namespace Ledger.Node.Snapshots;

/// <summary>Snapshot streaming between nodes (<c>Node:Snapshots:*</c>).</summary>
public sealed class SnapshotTransferOptions
{
    public const int ChunkBytesMin = 4 * 1024;

    /// <summary>Bytes of snapshot data per gRPC message; bounds the memory of each transfer on both sides.</summary>
    public int ChunkBytes { get; set; } = 1024 * 1024;

    /// <summary>Calls one transfer may make (each resumes where the receiver stands) before the leader reports it failed.</summary>
    public int TransferAttemptsMax { get; set; } = 8;

    /// <summary>How long a receiver waits for Raft to install a verified snapshot before answering the sender.</summary>
    public int InstallWaitMilliseconds { get; set; } = 30_000;

    /// <summary>Checks the limits against the peer server's message bound (<paramref name="messageBytesMax"/>).</summary>
    public void Validate(int messageBytesMax)
    {
        if (ChunkBytes < ChunkBytesMin || ChunkBytes > messageBytesMax)
        {
            throw new InvalidOperationException($"Node:Snapshots:ChunkBytes must be within {ChunkBytesMin}..{messageBytesMax} (the peer message bound), was {ChunkBytes}");
        }

        if (TransferAttemptsMax is < 1 or > 1_000)
        {
            throw new InvalidOperationException($"Node:Snapshots:TransferAttemptsMax must be within 1..1000, was {TransferAttemptsMax}");
        }

        if (InstallWaitMilliseconds is < 100 or > 3_600_000)
        {
            throw new InvalidOperationException($"Node:Snapshots:InstallWaitMilliseconds must be within 100..3600000, was {InstallWaitMilliseconds}");
        }
    }
}
