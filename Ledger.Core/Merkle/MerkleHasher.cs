using System.Buffers;
using Ledger.Core.Hashing;

namespace Ledger.Core.Merkle;

/// <summary>
/// RFC 9162 §2.1.1 tree hashing over one hash algorithm: the empty tree hashes to H(""), a leaf to
/// H(0x00 || leaf) and an interior node to H(0x01 || left || right). The prefixes keep a leaf from
/// ever being passed off as a node (second-preimage resistance). Stateless and thread-safe; the hot
/// paths allocate nothing.
/// </summary>
public sealed class MerkleHasher
{
    /// <summary>Largest hash output this hasher accepts; bounds every stack buffer in the Merkle code.</summary>
    public const int HashSizeBytesMax = 64;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Leaves up to this size are prefixed on the stack; larger ones borrow a pooled buffer.
    private const int LeafStackBytesMax = 512;

    private readonly IHashAlgorithm _algorithm;

    public MerkleHasher(IHashAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (algorithm.HashSizeBytes <= 0 || algorithm.HashSizeBytes > HashSizeBytesMax)
        {
            throw new ArgumentException($"hash size must be in 1..{HashSizeBytesMax} bytes, was {algorithm.HashSizeBytes}", nameof(algorithm));
        }

        _algorithm = algorithm;
        HashSizeBytes = algorithm.HashSizeBytes;
    }

    public IHashAlgorithm Algorithm => _algorithm;

    public int HashSizeBytes { get; }

    /// <summary>The root of the tree with no leaves: H("").</summary>
    public void EmptyRoot(Span<byte> destination) => _algorithm.Hash([], destination);

    /// <summary>H(0x00 || <paramref name="leaf"/>).</summary>
    public void HashLeaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        var inputBytes = leaf.Length + 1;
        if (inputBytes <= LeafStackBytesMax)
        {
            Span<byte> input = stackalloc byte[LeafStackBytesMax];
            input[0] = LeafPrefix;
            leaf.CopyTo(input[1..]);
            _algorithm.Hash(input[..inputBytes], destination);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(inputBytes);
        try
        {
            rented[0] = LeafPrefix;
            leaf.CopyTo(rented.AsSpan(1));
            _algorithm.Hash(rented.AsSpan(0, inputBytes), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>H(0x01 || <paramref name="left"/> || <paramref name="right"/>). <paramref name="destination"/> may overlap either input.</summary>
    public void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        var size = HashSizeBytes;
        if (left.Length != size)
        {
            throw new ArgumentException($"left child must be {size} bytes, was {left.Length}", nameof(left));
        }

        if (right.Length != size)
        {
            throw new ArgumentException($"right child must be {size} bytes, was {right.Length}", nameof(right));
        }

        Span<byte> input = stackalloc byte[1 + (2 * HashSizeBytesMax)];
        input[0] = NodePrefix;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + size)..]);
        _algorithm.Hash(input[..(1 + (2 * size))], destination);
    }

    public byte[] EmptyRoot()
    {
        var root = new byte[HashSizeBytes];
        EmptyRoot(root);
        return root;
    }

    public byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[HashSizeBytes];
        HashLeaf(leaf, hash);
        return hash;
    }

    public byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSizeBytes];
        HashChildren(left, right, hash);
        return hash;
    }
}
