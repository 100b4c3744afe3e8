using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Blocks;

/// <summary>
/// A node's signature over an applied block. The signature covers
/// <see cref="SigningInput"/>(<see cref="SigningContexts.BlockAttestation"/>, chain id, payload) with
/// payload = uint64 BE height || block hash, so an attestation is self-describing even without its header.
/// </summary>
public static class BlockAttestations
{
    public static Attestation Sign(KeyPair nodeKey, string nodeId, BlockHeader header, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(header);
        return Sign(nodeKey, nodeId, header.ChainId, header.Height, BlockHash.Compute(header, chainHash));
    }

    /// <summary>Signs a block whose hash the caller already computed with <see cref="BlockHash"/>.</summary>
    public static Attestation Sign(KeyPair nodeKey, string nodeId, string chainId, ulong height, ReadOnlySpan<byte> blockHash)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(nodeId);
        if (blockHash.IsEmpty || blockHash.Length > BlockHeaderEncoding.HashBytesMax)
        {
            throw new ArgumentException($"a block hash is 1..{BlockHeaderEncoding.HashBytesMax} bytes, was {blockHash.Length}", nameof(blockHash));
        }

        var signature = SigningInput.Sign(nodeKey, SigningContexts.BlockAttestation, chainId, Payload(height, blockHash));
        return new Attestation
        {
            NodeId = nodeId,
            KeyId = ByteString.CopyFrom(nodeKey.KeyId.Bytes),
            Suite = nodeKey.Suite.Name,
            BlockHash = ByteString.CopyFrom(blockHash),
            Height = height,
            Signature = ByteString.CopyFrom(signature),
        };
    }

    /// <summary>
    /// True when <paramref name="attestation"/> is <paramref name="nodeKey"/>'s valid signature over
    /// exactly <paramref name="header"/>: block hash and height match the header, key id and suite
    /// match the key. Returns false (never throws) for malformed attestations or headers.
    /// </summary>
    public static bool Verify(PublicKey nodeKey, Attestation attestation, BlockHeader header, IHashAlgorithm chainHash)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(attestation);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(chainHash);
        if (attestation.Height != header.Height || attestation.BlockHash.Length != chainHash.HashSizeBytes)
        {
            return false;
        }

        Span<byte> blockHash = stackalloc byte[chainHash.HashSizeBytes];
        try
        {
            BlockHash.Compute(header, chainHash, blockHash);
        }
        catch (BlockHeaderEncodingException)
        {
            return false;
        }

        return blockHash.SequenceEqual(attestation.BlockHash.Span) && VerifySignature(nodeKey, attestation, header.ChainId);
    }

    /// <summary>
    /// Checks the attestation's signature over its own height and block hash for <paramref name="chainId"/>
    /// (the verifier's chain), and that its key id and suite name <paramref name="nodeKey"/>. Never throws on malformed attestations.
    /// </summary>
    public static bool VerifySignature(PublicKey nodeKey, Attestation attestation, string chainId)
    {
        ArgumentNullException.ThrowIfNull(nodeKey);
        ArgumentNullException.ThrowIfNull(attestation);
        ArgumentNullException.ThrowIfNull(chainId);
        if (!nodeKey.KeyId.Matches(attestation.KeyId.Span)
            || !string.Equals(attestation.Suite, nodeKey.Suite.Name, StringComparison.Ordinal)
            || attestation.BlockHash.Length > BlockHeaderEncoding.HashBytesMax)
        {
            return false;
        }

        try
        {
            return SigningInput.Verify(nodeKey, SigningContexts.BlockAttestation, chainId, Payload(attestation.Height, attestation.BlockHash.Span), attestation.Signature.Span);
        }
        catch (InvalidChainIdException)
        {
            return false;
        }
    }

    private static byte[] Payload(ulong height, ReadOnlySpan<byte> blockHash)
    {
        var payload = new byte[sizeof(ulong) + blockHash.Length];
        BinaryPrimitives.WriteUInt64BigEndian(payload, height);
        blockHash.CopyTo(payload.AsSpan(sizeof(ulong)));
        return payload;
    }
}
