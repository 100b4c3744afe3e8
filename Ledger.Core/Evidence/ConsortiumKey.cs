using Ledger.Core.Keys;

namespace Ledger.Core.Evidence;

/// <summary>
/// A member key as far as a chain replay knows it. <see cref="RetiredAt"/> is set (once) when a
/// governance change retires the key; everything signed before that stays valid.
/// </summary>
public sealed class ConsortiumKey
{
    public ConsortiumKey(string memberId, PublicKey publicKey, ulong validFromHeight)
    {
        MemberId = memberId;
        PublicKey = publicKey;
        ValidFromHeight = validFromHeight;
    }

    public string MemberId { get; }

    public PublicKey PublicKey { get; }

    /// <summary>0 for genesis keys, else the height of the block whose transaction added it.</summary>
    public ulong ValidFromHeight { get; }

    /// <summary>Height of the block whose transaction retired the key; null while valid.</summary>
    public ulong? RetiredAt { get; internal set; }
}

/// <summary>A consortium node and the key its attestations are checked with.</summary>
public sealed record ConsortiumNode(string NodeId, PublicKey PublicKey, ulong AddedAtHeight);
