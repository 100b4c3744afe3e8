using System.Buffers.Binary;
using System.Text;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage.Checkpoints;

/// <summary>
/// Witness cosignatures of this node's checkpoints, in the <c>meta</c> column family:
/// <c>cosig/</c> + witness name length (u16 BE) + witness name (UTF-8) + tree size (u64 BE) → root
/// hash length (u8) + root hash + key id (u32 BE) + signature bytes. Bounded: at most
/// <see cref="PerWitnessMax"/> checkpoints per witness (the largest tree sizes are kept), and only
/// names of registered witnesses reach it (the caller verifies each cosignature first).
/// <para>
/// The store keeps bytes, not trust: <c>meta</c> travels in state snapshots from peers, so whoever
/// serves a stored cosignature verifies it again against the witness keys registered then.
/// </para>
/// </summary>
public sealed class CosignatureStore
{
    /// <summary>Checkpoints kept per witness: its latest, and a few older ones a client may still ask for by size.</summary>
    public const int PerWitnessMax = 4;

    /// <summary>Witness name bytes (a C2SP note key name; Ledger uses the member id, at most 64 bytes).</summary>
    public const int WitnessNameBytesMax = 256;

    /// <summary>Root hash bytes (RFC 6962 checkpoints: 32).</summary>
    public const int RootHashBytesMax = 64;

    /// <summary>Signature bytes after the key id (cosignature/v1: 8-byte timestamp + 64-byte Ed25519 signature).</summary>
    public const int SignatureBytesMax = 1024;

    private static readonly byte[] Prefix = "cosig/"u8.ToArray();

    private readonly LedgerDatabase database;
    private readonly Lock sync = new();

    public CosignatureStore(LedgerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    /// <summary>Keeps <paramref name="cosignature"/> (replacing one by the same witness on the same tree size) and drops the witness's oldest beyond <see cref="PerWitnessMax"/>.</summary>
    public void Put(StoredCosignature cosignature)
    {
        ArgumentNullException.ThrowIfNull(cosignature);
        var name = Encoding.UTF8.GetBytes(cosignature.WitnessName);
        if (name.Length is 0 or > WitnessNameBytesMax)
        {
            throw new ArgumentException($"a witness name is 1..{WitnessNameBytesMax} bytes, was {name.Length}", nameof(cosignature));
        }

        if (cosignature.RootHash.Length is 0 or > RootHashBytesMax || cosignature.Signature.Length is 0 or > SignatureBytesMax)
        {
            throw new ArgumentException($"a root hash is 1..{RootHashBytesMax} bytes and a signature 1..{SignatureBytesMax}", nameof(cosignature));
        }

        lock (sync)
        {
            var witnessPrefix = WitnessPrefix(name);
            var sizes = new List<ulong>();
            using (var iterator = database.NewIterator(database.Meta))
            {
                for (iterator.Seek(witnessPrefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(witnessPrefix); iterator.Next())
                {
                    sizes.Add(BinaryPrimitives.ReadUInt64BigEndian(iterator.Key().AsSpan(witnessPrefix.Length)));
                }
            }

            if (!sizes.Contains(cosignature.TreeSize))
            {
                sizes.Add(cosignature.TreeSize);
            }

            sizes.Sort();
            using var batch = new WriteBatch();
            batch.Put(Key(witnessPrefix, cosignature.TreeSize), Encode(cosignature), database.Meta);
            for (var i = 0; i < sizes.Count - PerWitnessMax; i++)
            {
                batch.Delete(Key(witnessPrefix, sizes[i]), database.Meta);
            }

            database.Write(batch, sync: true);
        }
    }

    /// <summary>Every stored cosignature, by witness name then tree size (at most <see cref="PerWitnessMax"/> per witness).</summary>
    public IReadOnlyList<StoredCosignature> All()
    {
        var result = new List<StoredCosignature>();
        using var iterator = database.NewIterator(database.Meta);
        for (iterator.Seek(Prefix); iterator.Valid() && iterator.Key().AsSpan().StartsWith(Prefix); iterator.Next())
        {
            result.Add(Decode(iterator.Key(), iterator.Value()));
        }

        return result;
    }

    /// <summary>The stored cosignatures on checkpoints of <paramref name="treeSize"/>, by witness name.</summary>
    public IReadOnlyList<StoredCosignature> ForTreeSize(ulong treeSize) => All().Where(c => c.TreeSize == treeSize).ToList();

    private static byte[] WitnessPrefix(byte[] name)
    {
        var key = new byte[Prefix.Length + sizeof(ushort) + name.Length];
        Prefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(Prefix.Length), (ushort)name.Length);
        name.CopyTo(key, Prefix.Length + sizeof(ushort));
        return key;
    }

    private static byte[] Key(byte[] witnessPrefix, ulong treeSize)
    {
        var key = new byte[witnessPrefix.Length + sizeof(ulong)];
        witnessPrefix.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(witnessPrefix.Length), treeSize);
        return key;
    }

    private static byte[] Encode(StoredCosignature cosignature)
    {
        var value = new byte[1 + cosignature.RootHash.Length + sizeof(uint) + cosignature.Signature.Length];
        value[0] = (byte)cosignature.RootHash.Length;
        cosignature.RootHash.CopyTo(value, 1);
        BinaryPrimitives.WriteUInt32BigEndian(value.AsSpan(1 + cosignature.RootHash.Length), cosignature.KeyId);
        cosignature.Signature.CopyTo(value, 1 + cosignature.RootHash.Length + sizeof(uint));
        return value;
    }

    private static StoredCosignature Decode(byte[] key, byte[] value)
    {
        var rest = key.AsSpan(Prefix.Length);
        if (rest.Length < sizeof(ushort))
        {
            throw Corrupt("key too short");
        }

        var nameLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (rest.Length != sizeof(ushort) + nameLength + sizeof(ulong))
        {
            throw Corrupt($"key is {key.Length} bytes for a {nameLength}-byte name");
        }

        var name = Encoding.UTF8.GetString(rest.Slice(sizeof(ushort), nameLength));
        var treeSize = BinaryPrimitives.ReadUInt64BigEndian(rest[(sizeof(ushort) + nameLength)..]);
        if (value.Length < 1 || value[0] == 0 || value.Length <= 1 + value[0] + sizeof(uint))
        {
            throw Corrupt($"value of {name} at tree size {treeSize} is {value.Length} bytes");
        }

        var rootLength = value[0];
        var root = value.AsSpan(1, rootLength).ToArray();
        var keyId = BinaryPrimitives.ReadUInt32BigEndian(value.AsSpan(1 + rootLength));
        var signature = value.AsSpan(1 + rootLength + sizeof(uint)).ToArray();
        return new StoredCosignature(name, treeSize, root, keyId, signature);
    }

    private static StorageCorruptionException Corrupt(string detail) => new($"cosignature record: {detail}");
}

/// <summary>One witness's cosignature line on the checkpoint (tree size, root): the note key id and the signature bytes after it.</summary>
public sealed record StoredCosignature(string WitnessName, ulong TreeSize, byte[] RootHash, uint KeyId, byte[] Signature);
