using Ledger.Core.Checkpoints;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Node.Checkpoints;

/// <summary>
/// The C2SP checkpoint of a block header — origin <c>ledger/&lt;chain id&gt;</c>, the header's log
/// size and log root — and a node's note signature over it (Ledger.Core/Checkpoints'
/// <see cref="CheckpointSignatures"/>: key name = origin, key id from the node key; for p256 nodes
/// an RFC 6962 tree head signature with the block's timestamp, so every node signs the same tree head).
/// An attestation carries only the signature bytes after the key id (<c>checkpoint_signature</c>):
/// name and key id follow from the origin and the attesting node's registered key.
/// </summary>
public static class NodeCheckpoints
{
    /// <summary>The checkpoint of <paramref name="header"/>'s log state.</summary>
    public static Checkpoint Of(BlockHeader header, string origin)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new Checkpoint(origin, header.LogSize, header.LogRoot.Span);
    }

    /// <summary>This node's signature bytes over <paramref name="header"/>'s checkpoint, for <c>Attestation.checkpoint_signature</c>.</summary>
    public static byte[] Sign(KeyPair nodeKey, BlockHeader header, string origin)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        return CheckpointSignatures.Sign(nodeKey, Of(header, origin), TimestampOf(header)).Signature.ToArray();
    }

    /// <summary>The note signature line a node's <c>checkpoint_signature</c> bytes stand for.</summary>
    public static NoteSignature Line(PublicKey nodeKey, string origin, ReadOnlySpan<byte> signature) =>
        new(origin, CheckpointSignatures.KeyId(nodeKey, origin), signature);

    /// <summary>True when <paramref name="signature"/> is <paramref name="nodeKey"/>'s valid signature of <paramref name="header"/>'s checkpoint. Never throws on the bytes.</summary>
    public static bool Verify(PublicKey nodeKey, BlockHeader header, string origin, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        if (signature.IsEmpty || signature.Length > NoteLimits.SignatureBytesMax - NoteLimits.KeyIdBytes)
        {
            return false;
        }

        try
        {
            return CheckpointSignatures.Verify(nodeKey, Of(header, origin), Line(nodeKey, origin, signature));
        }
        catch (Exception e) when (e is ArgumentException or NoteFormatException)
        {
            // A header whose root is not a 32-byte hash has no checkpoint.
            return false;
        }
    }

    private static ulong TimestampOf(BlockHeader header) => header.TimestampUnixMs < 0 ? 0 : (ulong)header.TimestampUnixMs;
}
