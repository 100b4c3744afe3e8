using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Storage.Blocks;

/// <summary>
/// How the block store hashes what it stores: block headers, transactions, and the log leaf of a
/// transaction with its result. A seam: the canonical encodings belong to Ledger.Core.Blocks and
/// the crypto suites, which the host wires in here. <see cref="CreateInterim"/> is a stand-in over
/// protobuf bytes for tests and benchmarks until then; it is not the protocol.
/// </summary>
public sealed class BlockHashing
{
    private readonly Func<BlockHeader, byte[]> _headerHash;
    private readonly Func<SignedTransaction, byte[]> _transactionHash;
    private readonly Func<byte[], TransactionResult, byte[]> _leafHash;

    /// <param name="merkleHasher">Hashes the tx_root and log trees.</param>
    /// <param name="headerHash">block_hash over the canonical header bytes.</param>
    /// <param name="transactionHash">The transaction hash clients look transactions up by.</param>
    /// <param name="leafHash">RFC 9162 leaf hash (with the 0x00 prefix) of a transaction, given by its transaction hash, and its result in tx_root and the log.</param>
    /// <param name="transactionHashIgnoresDetachedItems">
    /// True when <paramref name="transactionHash"/> reads only the envelope and signature (as the protocol's does), so a
    /// reader may hash a transaction without loading its detached batch items (<see cref="TransactionHashIgnoresDetachedItems"/>).
    /// </param>
    public BlockHashing(
        MerkleHasher merkleHasher,
        Func<BlockHeader, byte[]> headerHash,
        Func<SignedTransaction, byte[]> transactionHash,
        Func<byte[], TransactionResult, byte[]> leafHash,
        bool transactionHashIgnoresDetachedItems = false)
    {
        ArgumentNullException.ThrowIfNull(merkleHasher);
        ArgumentNullException.ThrowIfNull(headerHash);
        ArgumentNullException.ThrowIfNull(transactionHash);
        ArgumentNullException.ThrowIfNull(leafHash);
        MerkleHasher = merkleHasher;
        _headerHash = headerHash;
        _transactionHash = transactionHash;
        _leafHash = leafHash;
        TransactionHashIgnoresDetachedItems = transactionHashIgnoresDetachedItems;
    }

    /// <summary>Whether <see cref="HashTransaction"/> ignores detached batch items (true for <see cref="Canonical"/>: the protocol hashes fields 1 and 2 only).</summary>
    public bool TransactionHashIgnoresDetachedItems { get; }

    public MerkleHasher MerkleHasher { get; }

    public int HashSizeBytes => MerkleHasher.HashSizeBytes;

    /// <summary>The protocol's hashing (Ledger.Core's canonical header, transaction and log-leaf encodings) under a suite's hash.</summary>
    public static BlockHashing Canonical(IHashAlgorithm hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return new BlockHashing(
            new MerkleHasher(hash),
            header => BlockHash.Compute(header, hash),
            transaction => TransactionHashing.ComputeHash(hash, transaction),
            (transactionHash, result) => LogLeaf.MerkleLeafHash(transactionHash, result, hash),
            transactionHashIgnoresDetachedItems: true);
    }

    /// <summary>Stand-in hashing over protobuf bytes (not canonical; tests and benchmarks only).</summary>
    public static BlockHashing CreateInterim(IHashAlgorithm algorithm)
    {
        var merkleHasher = new MerkleHasher(algorithm);
        byte[] Hash(ReadOnlySpan<byte> data)
        {
            var hash = new byte[algorithm.HashSizeBytes];
            algorithm.Hash(data, hash);
            return hash;
        }

        return new BlockHashing(
            merkleHasher,
            header => Hash(header.ToByteArray()),
            transaction => Hash(transaction.ToByteArray()),
            (transactionHash, result) => merkleHasher.HashLeaf([.. transactionHash, .. result.ToByteArray()]));
    }

    public byte[] HashHeader(BlockHeader header) => Checked(_headerHash(header), "header hash");

    public byte[] HashTransaction(SignedTransaction transaction) => Checked(_transactionHash(transaction), "transaction hash");

    public byte[] LeafHash(SignedTransaction transaction, TransactionResult result) => LeafHashOf(HashTransaction(transaction), result);

    /// <summary>The leaf hash of a transaction already hashed (<see cref="HashTransaction"/>) with its result.</summary>
    public byte[] LeafHashOf(byte[] transactionHash, TransactionResult result) => Checked(_leafHash(transactionHash, result), "leaf hash");

    private byte[] Checked(byte[] hash, string what)
    {
        if (hash is null || hash.Length != HashSizeBytes)
        {
            throw new InvalidOperationException($"{what} function returned {hash?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"} bytes, expected {HashSizeBytes}");
        }

        return hash;
    }
}
