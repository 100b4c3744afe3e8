using System.Buffers.Binary;
using RocksDbSharp;

namespace Ledger.Storage.Blocks;

/// <summary>
/// TEST ONLY (the planted bug <c>apply-twice-after-restart</c>): an off-by-one in recovery. Moves the
/// recorded applied Raft index one entry back while leaving that entry's block and state in place, so
/// the node applies the entry a second time after it restarts. Call before a <see cref="BlockStore"/>
/// opens the database. Never called by a real node.
/// </summary>
public static class AppliedIndexRewind
{
    /// <summary>Rewinds the applied index by one (synced); returns the new index, or null when nothing was applied yet.</summary>
    public static ulong? RewindOne(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var stored = database.Get(database.Meta, MetaKeys.AppliedRaftIndex);
        if (stored is not { Length: sizeof(ulong) })
        {
            return null;
        }

        var applied = BinaryPrimitives.ReadUInt64BigEndian(stored);
        if (applied == 0)
        {
            return null;
        }

        Span<byte> rewound = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(rewound, applied - 1);
        using var batch = new WriteBatch();
        batch.Put(MetaKeys.AppliedRaftIndex, rewound, database.Meta);
        database.Write(batch, sync: true);
        return applied - 1;
    }
}
