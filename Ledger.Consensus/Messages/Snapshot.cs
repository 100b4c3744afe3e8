namespace Ledger.Consensus;

/// <summary>
/// A point-in-time image of the host's state machine covering every entry up to
/// <see cref="SnapshotMetadata.Index"/>. Raft treats <see cref="Data"/> as opaque.
/// </summary>
public sealed class Snapshot
{
    public Snapshot(SnapshotMetadata metadata, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        Metadata = metadata;
        Data = data;
    }

    public static Snapshot Empty { get; } = new(new SnapshotMetadata(0, 0, ConfState.Empty), ReadOnlyMemory<byte>.Empty);

    public SnapshotMetadata Metadata { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public bool IsEmpty => Metadata.Index == 0;
}
