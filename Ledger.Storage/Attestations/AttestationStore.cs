using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Attestations;

/// <summary>
/// Node signatures over block hashes, kept per height and node in the <c>meta</c> column family
/// (<c>attest/</c> + height (u64 BE) + node id), plus the highest certified height. Attestations
/// arrive asynchronously from peers, so they are written on their own, not with the block.
/// Callers verify signatures before storing; this store only keeps and returns them.
/// </summary>
public sealed class AttestationStore
{
    private static readonly byte[] Prefix = "attest/"u8.ToArray();
    private static readonly byte[] CertifiedHeightKey = "certified_height"u8.ToArray();
    private static readonly byte[] CertifiedThroughKey = "certified_through"u8.ToArray();

    private readonly LedgerDatabase database;

    // MarkCertified runs on the attestation worker and on the catch-up loop: its compare-and-write is one step.
    private readonly Lock certifiedGate = new();
    private ulong certifiedHeight;
    private ulong certifiedThrough;

    public AttestationStore(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        var stored = database.Get(database.Meta, CertifiedHeightKey);
        certifiedHeight = stored is null ? 0 : DecodeHeight(stored);
        var through = database.Get(database.Meta, CertifiedThroughKey);
        certifiedThrough = through is null ? 0 : DecodeHeight(through);
    }

    /// <summary>Re-reads the certified height after the state underneath was replaced by a snapshot install.</summary>
    public void ReloadAfterStateReplaced()
    {
        var stored = database.Get(database.Meta, CertifiedHeightKey);
        Volatile.Write(ref certifiedHeight, stored is null ? 0 : DecodeHeight(stored));
        var through = database.Get(database.Meta, CertifiedThroughKey);
        Volatile.Write(ref certifiedThrough, through is null ? 0 : DecodeHeight(through));
    }

    /// <summary>Highest height with a quorum of attestations (0 when none).</summary>
    public ulong CertifiedHeight => Volatile.Read(ref certifiedHeight);

    public void Put(Attestation attestation)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        using var batch = new WriteBatch();
        batch.Put(Key(attestation.Height, attestation.NodeId), attestation.ToByteArray(), database.Meta);
        database.Write(batch, sync: false);
    }

    /// <summary>Records that <paramref name="height"/> is certified; the certified height never goes back.</summary>
    public void MarkCertified(ulong height)
    {
        lock (certifiedGate)
        {
            if (height <= CertifiedHeight)
            {
                return;
            }

            WriteHeight(CertifiedHeightKey, height);
            Volatile.Write(ref certifiedHeight, height);
        }
    }

    /// <summary>
    /// Every height from 1 through this one is known certified on this node (0 when none): where the
    /// catch-up of certifications resumes looking for gaps, so a restart does not rescan the chain.
    /// </summary>
    public ulong CertifiedThrough => Volatile.Read(ref certifiedThrough);

    /// <summary>Records that heights 1..<paramref name="height"/> are all certified here; never goes back.</summary>
    public void MarkCertifiedThrough(ulong height)
    {
        lock (certifiedGate)
        {
            if (height <= CertifiedThrough)
            {
                return;
            }

            WriteHeight(CertifiedThroughKey, height);
            Volatile.Write(ref certifiedThrough, height);
        }
    }

    private void WriteHeight(byte[] key, ulong height)
    {
        var encoded = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(encoded, height);
        using var batch = new WriteBatch();
        batch.Put(key, encoded, database.Meta);
        database.Write(batch, sync: false);
    }

    /// <summary>True when an attestation of <paramref name="nodeId"/> for <paramref name="height"/> is stored.</summary>
    public bool Contains(ulong height, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        return database.Get(database.Meta, Key(height, nodeId)) is not null;
    }

    /// <summary>Every stored attestation for <paramref name="height"/>, ordered by node id.</summary>
    public IReadOnlyList<Attestation> Get(ulong height)
    {
        var prefix = HeightPrefix(height);
        var result = new List<Attestation>();
        using var iterator = database.NewIterator(database.Meta);
        for (iterator.Seek(prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(prefix); iterator.Next())
        {
            try
            {
                result.Add(Attestation.Parser.ParseFrom(iterator.Value()));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new StorageCorruptionException($"attestation record for height {height} does not parse: {e.Message}", e, height);
            }
        }

        return result;
    }

    private static byte[] HeightPrefix(ulong height)
    {
        var key = new byte[Prefix.Length + sizeof(ulong)];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(Prefix.Length), height);
        return key;
    }

    private static byte[] Key(ulong height, string nodeId)
    {
        var prefix = HeightPrefix(height);
        var id = Encoding.UTF8.GetBytes(nodeId);
        var key = new byte[prefix.Length + id.Length];
        prefix.CopyTo(key, 0);
        id.CopyTo(key, prefix.Length);
        return key;
    }

    private static ulong DecodeHeight(byte[] stored)
    {
        if (stored.Length != sizeof(ulong))
        {
            throw new StorageCorruptionException($"certified height record is {stored.Length} bytes");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(stored);
    }
}
