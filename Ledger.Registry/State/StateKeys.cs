using System.Buffers.Binary;
using System.Text;
using Ledger.Core.Protocol;
using Ledger.Registry.Model;

namespace Ledger.Registry.State;

/// <summary>
/// The typed key layouts. Integers are big-endian so that bytewise order is numeric order;
/// variable-length strings inside composite keys carry a uint16 length so prefixes are
/// unambiguous.
/// </summary>
public static class StateKeys
{
    /// <summary>No key is longer; identifier limits in <see cref="RegistryLimits"/> keep it so.</summary>
    public const int KeyBytesMax = 256;

    private const byte HolderKindMember = 1;
    private const byte HolderKindExternal = 2;

    public static StateKey Governance() => new(GovernanceKey);

    public static StateKey Member(string memberId)
    {
        var key = new byte[1 + Encoding.UTF8.GetByteCount(memberId)];
        key[0] = (byte)KeySpace.Member;
        Encoding.UTF8.GetBytes(memberId, key.AsSpan(1));
        return Checked(key);
    }

    public static StateKey MemberPrefix() => Single(KeySpace.Member);

    public static StateKey Key(ReadOnlySpan<byte> keyId)
    {
        var key = new byte[1 + keyId.Length];
        key[0] = (byte)KeySpace.Key;
        keyId.CopyTo(key.AsSpan(1));
        return Checked(key);
    }

    public static StateKey Node(string nodeId) => Build(KeySpace.Node, w => w.Utf8(nodeId));

    public static StateKey NodePrefix() => Single(KeySpace.Node);

    public static StateKey Proposal(ReadOnlySpan<byte> proposalId) => WithId(KeySpace.Proposal, proposalId);

    public static StateKey Nonce(ReadOnlySpan<byte> keyId, ulong nonce)
    {
        var key = new byte[1 + 1 + keyId.Length + sizeof(ulong)];
        key[0] = (byte)KeySpace.Nonce;
        key[1] = checked((byte)keyId.Length);
        keyId.CopyTo(key.AsSpan(2));
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(2 + keyId.Length), nonce);
        return Checked(key);
    }

    public static StateKey Work(ReadOnlySpan<byte> workId) => WithId(KeySpace.Work, workId);

    /// <summary>The fields a batch's items share (<see cref="KeySpace.BatchItems"/>).</summary>
    public static StateKey BatchItemsHeader(ReadOnlySpan<byte> txHash) => WithId(KeySpace.BatchItems, txHash);

    /// <summary>Chunk <paramref name="chunk"/> of a batch's item table (<see cref="Batches.BatchItemTable"/>); sorts after its header.</summary>
    public static StateKey BatchItemChunk(ReadOnlySpan<byte> txHash, int chunk)
    {
        var key = new byte[1 + txHash.Length + sizeof(uint)];
        key[0] = (byte)KeySpace.BatchItems;
        txHash.CopyTo(key.AsSpan(1));
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + txHash.Length), checked((uint)chunk));
        return Checked(key);
    }

    /// <summary>
    /// One owner-index entry for a whole batch: the holder's prefix || tx hash (32 bytes, where a
    /// single work's entry has its 36-byte work id). It stands for every accepted item the batch
    /// registered to this holder that has not changed since (see <c>RegistryQueries.GetWorksByOwner</c>).
    /// </summary>
    public static StateKey OwnerBatch(StateKey ownerPrefix, ReadOnlySpan<byte> txHash) => Concat(ownerPrefix, txHash);

    public static StateKey BatchCommitment(ReadOnlySpan<byte> txHash) => WithId(KeySpace.BatchCommitment, txHash);

    public static StateKey License(ReadOnlySpan<byte> licenseId) => WithId(KeySpace.License, licenseId);

    public static StateKey Claim(ReadOnlySpan<byte> claimId) => WithId(KeySpace.Claim, claimId);

    public static StateKey Evidence(ReadOnlySpan<byte> evidenceId) => WithId(KeySpace.Evidence, evidenceId);

    /// <summary>
    /// <c>[0x40][algorithm][hash]</c>; its value says which work registered the hash, in one of two
    /// forms (<see cref="ContentHashIndexValue"/>: a 36-byte work id, or a 9-byte batch item that
    /// names its batch by <see cref="BatchOrdinal"/>), read only through <c>ContentHashIndexValue.ResolveWorkId</c>.
    /// </summary>
    public static StateKey ContentHash(ContentHashAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        var key = new byte[2 + hash.Length];
        key[0] = (byte)KeySpace.ContentHashIndex;
        key[1] = (byte)algorithm;
        hash.CopyTo(key.AsSpan(2));
        return Checked(key);
    }

    public static StateKey OwnerPrefix(RightsHolder holder) => Owner(holder, []);

    /// <summary>
    /// [OwnerIndex][holder kind][u16 BE len][UTF-8 id][work id], written straight into the key's
    /// array: one of the five keys of every RegisterWork, so no builder list or closure.
    /// </summary>
    public static StateKey Owner(RightsHolder holder, ReadOnlySpan<byte> workId)
    {
        var (kind, id) = holder.HolderCase switch
        {
            RightsHolder.HolderOneofCase.MemberId => (HolderKindMember, holder.MemberId),
            RightsHolder.HolderOneofCase.External => (HolderKindExternal, holder.External.Identifier),
            _ => throw new ArgumentException("rights holder has neither member id nor external holder", nameof(holder)),
        };
        var idBytes = checked((ushort)Encoding.UTF8.GetByteCount(id));
        var key = new byte[1 + 1 + sizeof(ushort) + idBytes + workId.Length];
        key[0] = (byte)KeySpace.OwnerIndex;
        key[1] = kind;
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(2), idBytes);
        Encoding.UTF8.GetBytes(id, key.AsSpan(2 + sizeof(ushort)));
        workId.CopyTo(key.AsSpan(2 + sizeof(ushort) + idBytes));
        return Checked(key);
    }

    public static StateKey HistoryPrefix(ReadOnlySpan<byte> workId) => WithId(KeySpace.WorkHistory, workId);

    public static StateKey History(ReadOnlySpan<byte> workId, ChainPosition at)
    {
        Span<byte> suffix = stackalloc byte[sizeof(ulong) + sizeof(uint)];
        BinaryPrimitives.WriteUInt64BigEndian(suffix, at.Height);
        BinaryPrimitives.WriteUInt32BigEndian(suffix[sizeof(ulong)..], at.Index);
        return Concat(HistoryPrefix(workId), suffix);
    }

    public static StateKey ClaimByWorkPrefix(ReadOnlySpan<byte> workId) => WithId(KeySpace.ClaimByWork, workId);

    public static StateKey ClaimByWork(ReadOnlySpan<byte> workId, ReadOnlySpan<byte> claimId) => Concat(ClaimByWorkPrefix(workId), claimId);

    public static StateKey ClaimByStatusPrefix(ClaimStatus status) => new([(byte)KeySpace.ClaimByStatus, checked((byte)status)]);

    public static StateKey ClaimByStatus(ClaimStatus status, ReadOnlySpan<byte> claimId) => Concat(ClaimByStatusPrefix(status), claimId);

    public static StateKey BatchOutcome(ReadOnlySpan<byte> txHash) => WithId(KeySpace.BatchOutcome, txHash);

    /// <summary><c>[0x49][ordinal uint64 BE]</c> → the batch's 32-byte transaction hash (<see cref="KeySpace.BatchOrdinal"/>).</summary>
    public static StateKey BatchOrdinal(ulong ordinal)
    {
        var key = new byte[1 + sizeof(ulong)];
        key[0] = (byte)KeySpace.BatchOrdinal;
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), ordinal);
        return Checked(key);
    }

    /// <summary>
    /// Meta: the next batch ordinal to assign (uint64 BE; absent = 0), advanced once per
    /// BatchRegister that accepts at least one item. Outside the state root like every meta key.
    /// </summary>
    public static StateKey BatchOrdinalNext() => new(BatchOrdinalNextKey);

    // Shared arrays: StateKey never hands out its bytes for writing.
    public static StateKey AppliedHeight() => new(AppliedHeightKey);

    public static StateKey StateAccumulator() => new(StateAccumulatorKey);

    /// <summary>The suffix of <paramref name="key"/> after <paramref name="prefix"/> (e.g. a work id in an index key).</summary>
    public static ReadOnlySpan<byte> SuffixAfter(StateKey key, StateKey prefix) => key.Span[prefix.Length..];

    internal static StateKey Concat(StateKey prefix, ReadOnlySpan<byte> suffix)
    {
        var key = new byte[prefix.Length + suffix.Length];
        prefix.Span.CopyTo(key);
        suffix.CopyTo(key.AsSpan(prefix.Length));
        return Checked(key);
    }

    private static StateKey Single(KeySpace space) => new([(byte)space]);

    private static StateKey WithId(KeySpace space, ReadOnlySpan<byte> id)
    {
        var key = new byte[1 + id.Length];
        key[0] = (byte)space;
        id.CopyTo(key.AsSpan(1));
        return Checked(key);
    }

    private static readonly byte[] AppliedHeightKey = Build(KeySpace.Meta, w => w.Ascii("applied-height")).UnsafeBytes;
    private static readonly byte[] StateAccumulatorKey = Build(KeySpace.Meta, w => w.Ascii("state-accumulator")).UnsafeBytes;
    private static readonly byte[] BatchOrdinalNextKey = Build(KeySpace.Meta, w => w.Ascii("batch-ordinal-next")).UnsafeBytes;
    private static readonly byte[] GovernanceKey = [(byte)KeySpace.Governance];

    private static StateKey Build(KeySpace space, Action<KeyWriter> write)
    {
        var writer = new KeyWriter();
        writer.Byte((byte)space);
        write(writer);
        return Checked(writer.ToArray());
    }

    private static StateKey Checked(byte[] key)
    {
        if (key.Length > KeyBytesMax)
        {
            throw new ArgumentException($"state key of {key.Length} bytes exceeds {nameof(KeyBytesMax)}={KeyBytesMax}");
        }

        return new StateKey(key);
    }

    private sealed class KeyWriter
    {
        private readonly List<byte> bytes = [];

        public void Byte(byte value) => bytes.Add(value);

        public void Ascii(string text) => bytes.AddRange(Encoding.ASCII.GetBytes(text));

        // Whole-key strings need no length: nothing follows them.
        public void Utf8(string text) => bytes.AddRange(Encoding.UTF8.GetBytes(text));

        public byte[] ToArray() => [.. bytes];
    }
}
