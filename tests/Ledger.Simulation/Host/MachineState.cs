using System.Buffers.Binary;
using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// The simulated state machine: the applied index, a rolling hash over every applied entry (so two
/// nodes at one index agree iff they applied the same history), and the membership as of that index.
/// </summary>
public readonly record struct MachineState(ulong Applied, ulong Hash, ConfState Conf)
{
    private const int ImageBytes = 16;

    public MachineState Apply(Entry entry, ulong dataHash, ConfState conf) =>
        new(entry.Index, Combine(Hash, entry.Index, entry.Term, dataHash), conf);

    /// <summary>The snapshot image: applied index then hash, big-endian.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[ImageBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Applied);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), Hash);
        return bytes;
    }

    public static MachineState FromSnapshot(Snapshot snapshot)
    {
        var data = snapshot.Data.Span;
        if (data.Length != ImageBytes)
        {
            throw new SimulationViolationException(ViolationKind.SnapshotMismatch, $"Snapshot at {snapshot.Metadata.Index} carries {data.Length} bytes, expected {ImageBytes}.");
        }

        var applied = BinaryPrimitives.ReadUInt64BigEndian(data);
        if (applied != snapshot.Metadata.Index)
        {
            throw new SimulationViolationException(ViolationKind.SnapshotMismatch, $"Snapshot metadata index {snapshot.Metadata.Index} but image applied index {applied}.");
        }

        return new MachineState(applied, BinaryPrimitives.ReadUInt64BigEndian(data[8..]), snapshot.Metadata.ConfState);
    }

    public static ulong DataHash(Entry entry)
    {
        var hash = TraceEvent.Mix(14695981039346656037UL, (ulong)entry.Type);
        foreach (var b in entry.Data.Span)
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }

    private static ulong Combine(ulong hash, ulong index, ulong term, ulong dataHash)
    {
        hash = TraceEvent.Mix(hash, index);
        hash = TraceEvent.Mix(hash, term);
        return TraceEvent.Mix(hash, dataHash);
    }
}
