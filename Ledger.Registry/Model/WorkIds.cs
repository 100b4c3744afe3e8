using System.Buffers.Binary;

namespace Ledger.Registry.Model;

/// <summary>
/// Work id = registering transaction hash (32 bytes) || item index (uint32 big-endian). A single
/// RegisterWork is item 0; the i-th item of a BatchRegister is item i. The id therefore names the
/// evidence directly: which transaction, and which leaf of its batch tree.
/// </summary>
public static class WorkIds
{
    public const int TxHashBytes = 32;
    public const int WorkIdBytes = TxHashBytes + sizeof(uint);

    public static byte[] Create(ReadOnlySpan<byte> txHash, uint itemIndex)
    {
        if (txHash.Length != TxHashBytes)
        {
            throw new ArgumentException($"transaction hash must be {TxHashBytes} bytes, was {txHash.Length}", nameof(txHash));
        }

        var id = new byte[WorkIdBytes];
        txHash.CopyTo(id);
        BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(TxHashBytes), itemIndex);
        return id;
    }

    public static bool IsWellFormed(ReadOnlySpan<byte> workId) => workId.Length == WorkIdBytes;

    public static ReadOnlySpan<byte> TxHashOf(ReadOnlySpan<byte> workId) => workId[..TxHashBytes];

    public static uint ItemIndexOf(ReadOnlySpan<byte> workId) => BinaryPrimitives.ReadUInt32BigEndian(workId[TxHashBytes..]);
}
