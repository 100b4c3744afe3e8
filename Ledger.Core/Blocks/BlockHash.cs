using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Blocks;

/// <summary>block_hash = H(<see cref="BlockHeaderEncoding"/> bytes), H the chain's suite hash (SHA-256 or SM3).</summary>
public static class BlockHash
{
    public static byte[] Compute(BlockHeader header, IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var result = new byte[hash.HashSizeBytes];
        Compute(header, hash, result);
        return result;
    }

    /// <summary>Allocation-free form; <paramref name="destination"/> is exactly <see cref="IHashAlgorithm.HashSizeBytes"/> long.</summary>
    public static void Compute(BlockHeader header, IHashAlgorithm hash, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hash);
        Span<byte> encoded = stackalloc byte[BlockHeaderEncoding.EncodedBytesMax];
        BlockHeaderEncoding.TryEncode(header, encoded, out var length);
        hash.Hash(encoded[..length], destination);
    }
}
