using System.Buffers.Binary;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Model;

namespace Ledger.Registry.State;

/// <summary>
/// The value of a content-hash index entry (<see cref="KeySpace.ContentHashIndex"/>): which work
/// registered that hash. Two forms, told apart by length:
/// <list type="bullet">
/// <item><b>work id</b> (36 bytes, <see cref="WorkIds"/>): a single RegisterWork, and every entry
/// written before the compact form existed (no migration: such entries stay as they are).</item>
/// <item><b>batch item</b> (<see cref="BatchItemBytes"/> = 9 bytes): <c>[0xB1][batch ordinal, uint40 BE][item index, uint24 BE]</c>.
/// The ordinal names the batch transaction through <see cref="StateKeys.BatchOrdinal"/>
/// (<c>[0x49][ordinal uint64 BE]</c> → its 32-byte tx hash), written in the same layer as the
/// batch's first accepted item, so the 32-byte hash that a batch's items share is stored once
/// per batch instead of once per item.</item>
/// </list>
/// Every reader resolves a value through <see cref="ResolveWorkId"/>; any other length, another
/// tag, or an ordinal with no mapping is damaged state (<see cref="RegistryInvariantException"/>,
/// as for any stored record that cannot be decoded), never a rejection.
/// <para>
/// The ordinal counts the batches that accepted an item since this form was introduced on this
/// node's state (<see cref="StateKeys.BatchOrdinalNext"/>, absent = 0), so raw values may differ
/// between nodes that upgraded at different heights; the work id each resolves to, the outcomes and
/// the state root (which covers neither space) do not.
/// </para>
/// <para>
/// Bounds: the ordinal has 40 bits (<see cref="OrdinalMax"/>, ~1.1 × 10^12 batch transactions);
/// a batch applied once the chain's counter has passed it falls back to the 36-byte form, so the
/// bound changes bytes, never outcomes. The item index has 24 bits (<see cref="ItemIndexMax"/>),
/// above <see cref="RegistryLimits.BatchItemsMax"/> − 1 (checked at compile time below).
/// </para>
/// </summary>
public static class ContentHashIndexValue
{
    public const byte BatchItemTag = 0xB1;

    private const int OrdinalBytes = 5;
    private const int ItemIndexBytes = 3;

    public const int BatchItemBytes = 1 + OrdinalBytes + ItemIndexBytes;

    public const ulong OrdinalMax = (1UL << (8 * OrdinalBytes)) - 1;

    public const uint ItemIndexMax = (1U << (8 * ItemIndexBytes)) - 1;

    /// <summary>Does not compile if a batch could hold an item index the value cannot carry (a constant's overflow is an error).</summary>
    internal const uint ItemIndexHeadroom = ItemIndexMax - (RegistryLimits.BatchItemsMax - 1);

    /// <summary>The compact value of item <paramref name="itemIndex"/> of the batch numbered <paramref name="ordinal"/>.</summary>
    public static byte[] ForBatchItem(ulong ordinal, uint itemIndex)
    {
        if (ordinal > OrdinalMax)
        {
            throw new RegistryInvariantException($"batch ordinal {ordinal} exceeds {nameof(OrdinalMax)}={OrdinalMax}");
        }

        if (itemIndex > ItemIndexMax)
        {
            throw new RegistryInvariantException($"batch item index {itemIndex} exceeds {nameof(ItemIndexMax)}={ItemIndexMax}");
        }

        var value = new byte[BatchItemBytes];
        value[0] = BatchItemTag;
        Span<byte> wide = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(wide, ordinal);
        wide[(sizeof(ulong) - OrdinalBytes)..].CopyTo(value.AsSpan(1));
        BinaryPrimitives.WriteUInt32BigEndian(wide, itemIndex);
        wide[(sizeof(uint) - ItemIndexBytes)..sizeof(uint)].CopyTo(value.AsSpan(1 + OrdinalBytes));
        return value;
    }

    /// <summary>Whether <paramref name="value"/> is the compact batch-item form (length and tag; nothing is read).</summary>
    public static bool IsBatchItem(ReadOnlySpan<byte> value) => value.Length == BatchItemBytes && value[0] == BatchItemTag;

    /// <summary>The batch ordinal of a compact value.</summary>
    public static ulong OrdinalOf(ReadOnlySpan<byte> value)
    {
        Span<byte> wide = stackalloc byte[sizeof(ulong)];
        wide.Clear();
        value.Slice(1, OrdinalBytes).CopyTo(wide[(sizeof(ulong) - OrdinalBytes)..]);
        return BinaryPrimitives.ReadUInt64BigEndian(wide);
    }

    /// <summary>The item index of a compact value.</summary>
    public static uint ItemIndexOf(ReadOnlySpan<byte> value)
    {
        Span<byte> wide = stackalloc byte[sizeof(uint)];
        wide.Clear();
        value.Slice(1 + OrdinalBytes, ItemIndexBytes).CopyTo(wide[(sizeof(uint) - ItemIndexBytes)..]);
        return BinaryPrimitives.ReadUInt32BigEndian(wide);
    }

    /// <summary>
    /// The 36-byte work id that the entry under <paramref name="indexKey"/> names: a work-id value
    /// as it is (the same array), a compact value rebuilt from its batch's tx hash, read through
    /// <paramref name="read"/> (a write layer, so a mapping pending in this very transaction is
    /// seen, or the stored state).
    /// </summary>
    /// <exception cref="RegistryInvariantException">The value is neither form, or its ordinal has no (well-formed) mapping.</exception>
    internal static byte[] ResolveWorkId(StateKey indexKey, byte[] value, StateRead read)
    {
        if (value.Length == WorkIds.WorkIdBytes)
        {
            return value;
        }

        if (value.Length != BatchItemBytes)
        {
            throw new RegistryInvariantException($"content-hash index entry {indexKey} has a {value.Length}-byte value, neither a {WorkIds.WorkIdBytes}-byte work id nor a {BatchItemBytes}-byte batch item");
        }

        if (value[0] != BatchItemTag)
        {
            throw new RegistryInvariantException($"content-hash index entry {indexKey} has a {BatchItemBytes}-byte value with tag 0x{value[0]:X2}, not 0x{BatchItemTag:X2}");
        }

        var ordinal = OrdinalOf(value);
        if (!read(StateKeys.BatchOrdinal(ordinal), out var txHash))
        {
            throw new RegistryInvariantException($"content-hash index entry {indexKey} names batch ordinal {ordinal}, which has no transaction hash");
        }

        if (txHash.Length != WorkIds.TxHashBytes)
        {
            throw new RegistryInvariantException($"batch ordinal {ordinal} maps to {txHash.Length} bytes, not a {WorkIds.TxHashBytes}-byte transaction hash");
        }

        return WorkIds.Create(txHash, ItemIndexOf(value));
    }

    /// <summary>The chain's next batch ordinal as stored under <see cref="StateKeys.BatchOrdinalNext"/> (0 when none was assigned yet).</summary>
    /// <exception cref="RegistryInvariantException">The stored counter is not 8 bytes.</exception>
    internal static ulong NextOrdinal(StateRead read)
    {
        if (!read(StateKeys.BatchOrdinalNext(), out var stored))
        {
            return 0;
        }

        if (stored.Length != sizeof(ulong))
        {
            throw new RegistryInvariantException($"the batch ordinal counter is {stored.Length} bytes, not {sizeof(ulong)}");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(stored);
    }

    /// <summary>The stored form of the counter.</summary>
    internal static byte[] EncodeNextOrdinal(ulong next)
    {
        var bytes = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, next);
        return bytes;
    }
}
