using Google.Protobuf;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Registry.State;

namespace Ledger.Fuzz.Apply;

/// <summary>
/// What the fuzzer knows about the chain so far, from the first replica's outcomes: the ids bodies can
/// refer to (works, licences, claims, proposals), the members it can sign for, and their nonces. Lets a
/// good share of cases reach the type rules' stateful checks instead of stopping at "not found".
/// </summary>
internal sealed class World
{
    private const int KnownIdsMax = 512;

    private readonly Dictionary<string, ulong> nonces = new(StringComparer.Ordinal);
    private readonly List<(string MemberId, KeyPair Key)> candidates = [];

    public World(FuzzConsortium consortium)
    {
        Consortium = consortium;
        MemberIds.AddRange(FuzzConsortium.Founders.Select(f => f.Id));
    }

    public FuzzConsortium Consortium { get; }

    public List<string> MemberIds { get; } = [];

    public List<ByteString> Works { get; } = [];

    public List<ByteString> Licenses { get; } = [];

    public List<ByteString> Claims { get; } = [];

    public List<ByteString> Proposals { get; } = [];

    public ulong NextNonce(string memberId)
    {
        var next = nonces.GetValueOrDefault(memberId) + 1;
        nonces[memberId] = next;
        return next;
    }

    /// <summary>A nonce this member already used (a replay), or a fresh one if it has none.</summary>
    public ulong UsedNonce(Random random, string memberId) =>
        nonces.GetValueOrDefault(memberId) is > 0 and var last ? (ulong)random.NextInt64(1, (long)last + 1) : NextNonce(memberId);

    /// <summary>A key a proposal carries for <paramref name="memberId"/>; once governance records it, the fuzzer signs with it.</summary>
    public void ProposeKey(string memberId, KeyPair key)
    {
        if (candidates.Count >= KnownIdsMax)
        {
            candidates.RemoveAt(0);
        }

        candidates.Add((memberId, key));
    }

    public void Record(TransactionType type, byte[] txHash, IMessage? body)
    {
        var id = ByteString.CopyFrom(txHash);
        switch (type)
        {
            case TransactionType.RegisterWork:
                Add(Works, ByteString.CopyFrom([.. txHash, 0, 0, 0, 0]));
                break;
            case TransactionType.BatchRegister:
                Add(Works, ByteString.CopyFrom([.. txHash, 0, 0, 0, 0]));
                Add(Works, ByteString.CopyFrom([.. txHash, 0, 0, 0, 1]));
                break;
            case TransactionType.GrantLicense:
                Add(Licenses, id);
                break;
            case TransactionType.FileClaim:
                Add(Claims, id);
                break;
            case TransactionType.ProposeChange:
                Add(Proposals, id);
                if (body is ProposeChange { AddMember: { } added } && !MemberIds.Contains(added.MemberId) && MemberIds.Count < KnownIdsMax)
                {
                    MemberIds.Add(added.MemberId);
                }

                break;
        }
    }

    /// <summary>Switches members to keys that governance has recorded for them (added or rotated in).</summary>
    public void AdoptRecordedKeys(IRegistryStateReader state)
    {
        for (var i = candidates.Count - 1; i >= 0; i--)
        {
            var (memberId, key) = candidates[i];
            if (state.TryGet(StateKeys.Key(key.KeyId.Bytes), out var encoded))
            {
                var record = KeyRecord.Parser.ParseFrom(encoded);
                if (record.MemberId == memberId && record.ValidUntil is null)
                {
                    Consortium.Keys[memberId] = key;
                }

                candidates.RemoveAt(i);
            }
        }
    }

    private static void Add(List<ByteString> ids, ByteString id)
    {
        if (ids.Count >= KnownIdsMax)
        {
            ids.RemoveAt(0);
        }

        ids.Add(id);
    }
}
