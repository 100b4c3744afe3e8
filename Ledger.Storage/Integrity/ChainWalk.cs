using Google.Protobuf;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Merkle;

namespace Ledger.Storage.Integrity;

/// <summary>
/// Walks the block log from the first height, one block per <see cref="VerifyNext"/>, trusting
/// nothing previously checked: each block is parsed from its raw records (its header and one
/// checksummed record per transaction; a block written before format version 7, from its whole-block
/// record, compared with its separately stored header) and checked against its stored hash; its header is re-hashed; its previous hash must be the hash
/// this walk computed for the block before it; tx_count and tx_root must match its transactions and
/// results; log_size and log_root must match the global log recomputed here from every leaf since
/// the first block, and the stored log tree must give the same root; every transaction must be
/// indexed at or before its position. RocksDB checksum failures on these reads are findings too.
/// <para>
/// The walk's state (the previous hash and the recomputed log's frontier) lives in memory only:
/// a walk that stops is started again from the first height. Single-threaded.
/// </para>
/// </summary>
public sealed class ChainWalk
{
    private readonly LedgerDatabase _database;
    private readonly BlockHashing _hashing;
    private readonly MerkleTreeStore _storedLog;
    private CompactMerkleTree _log;
    private byte[] _previousHash;

    /// <param name="storedLog">The store's log tree (a running node's own, whose committed size follows the tip).</param>
    public ChainWalk(LedgerDatabase database, BlockHashing hashing, MerkleTreeStore storedLog)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hashing);
        ArgumentNullException.ThrowIfNull(storedLog);
        _database = database;
        _hashing = hashing;
        _storedLog = storedLog;
        _log = new CompactMerkleTree(hashing.MerkleHasher);
        _previousHash = new byte[hashing.HashSizeBytes];
    }

    /// <summary>The height <see cref="VerifyNext"/> checks next.</summary>
    public ulong NextHeight { get; private set; } = BlockStore.FirstHeight;

    public ulong BlocksVerified => NextHeight - BlockStore.FirstHeight;

    /// <summary>Leaves of the log recomputed so far.</summary>
    public ulong LogSize => _log.Size;

    /// <summary>Bytes of block records (header, hash, transaction records or whole-block record) read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Verifies the block at <see cref="NextHeight"/> (which must be committed) and moves on past it;
    /// on a finding the walk stays at that height and returns it.
    /// </summary>
    public IntegrityFinding? VerifyNext()
    {
        IntegrityFinding? finding;
        try
        {
            finding = Verify(NextHeight);
        }
        catch (StorageCorruptionException e)
        {
            finding = new IntegrityFinding(NextHeight, IntegrityFailure.StorageCorruption, e.Message);
        }

        if (finding is null)
        {
            NextHeight++;
        }

        return finding;
    }

    private IntegrityFinding? Verify(ulong height)
    {
        var headerBytes = Read(Key(BlockKeys.Header, height));
        var storedHash = Read(Key(BlockKeys.Hash, height));
        // Blocks written before format version 7 have a whole-block record; later ones one record per transaction.
        var legacyBytes = Read(Key(BlockKeys.LegacyBlock, height));
        if (headerBytes is null || storedHash is null)
        {
            return Fail(height, IntegrityFailure.MissingRecord, $"block {(headerBytes is null ? "header " : string.Empty)}{(storedHash is null ? "hash " : string.Empty)}missing");
        }

        Block block;
        BlockHeader headerRecord;
        try
        {
            headerRecord = BlockHeader.Parser.ParseFrom(headerBytes);
            block = legacyBytes is null ? new Block { Header = headerRecord } : Block.Parser.ParseFrom(legacyBytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Fail(height, IntegrityFailure.MalformedRecord, $"record does not parse: {e.Message}");
        }

        var header = block.Header;
        if (header is null)
        {
            return Fail(height, IntegrityFailure.MalformedRecord, "block has no header");
        }

        if (legacyBytes is null)
        {
            var bodyFailure = ReadTransactionRecords(height, block);
            if (bodyFailure is not null)
            {
                return bodyFailure;
            }
        }

        if (header.Height != height)
        {
            return Fail(height, IntegrityFailure.HeightMismatch, $"block stored at height {height} says height {header.Height}");
        }

        if (!string.Equals(header.ChainId, _database.ChainId, StringComparison.Ordinal))
        {
            return Fail(height, IntegrityFailure.ChainIdMismatch, $"chain id '{header.ChainId}', expected '{_database.ChainId}'");
        }

        if (!headerRecord.Equals(header))
        {
            return Fail(height, IntegrityFailure.HeaderRecordMismatch, "the separately stored header differs from the block's header");
        }

        var hash = _hashing.HashHeader(header);
        if (!hash.AsSpan().SequenceEqual(storedHash))
        {
            return Fail(height, IntegrityFailure.BlockHashMismatch, $"header hashes to {Convert.ToHexStringLower(hash)}, stored hash is {Convert.ToHexStringLower(storedHash)}");
        }

        if (!header.PrevBlockHash.Span.SequenceEqual(_previousHash))
        {
            return Fail(height, IntegrityFailure.BrokenLink, $"previous hash {Convert.ToHexStringLower(header.PrevBlockHash.Span)}, but block {height - 1} hashes to {Convert.ToHexStringLower(_previousHash)}");
        }

        if (block.Results.Count != block.Transactions.Count || header.TxCount != (uint)block.Transactions.Count)
        {
            return Fail(height, IntegrityFailure.TransactionCountMismatch, $"{block.Transactions.Count} transactions, {block.Results.Count} results, header tx_count {header.TxCount}");
        }

        // Leaves go into a copy of the log, kept only once the whole block checks out: a walk that
        // stops at a finding is still at the log size before this block.
        var log = _log.Clone();
        var transactions = new CompactMerkleTree(_hashing.MerkleHasher);
        for (var position = 0; position < block.Transactions.Count; position++)
        {
            var leafHash = _hashing.LeafHash(block.Transactions[position], block.Results[position]);
            transactions.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
            var indexFailure = VerifyIndexEntry(height, (uint)position, block.Transactions[position]);
            if (indexFailure is not null)
            {
                return indexFailure;
            }
        }

        if (!header.TxRoot.Span.SequenceEqual(transactions.ComputeRoot()))
        {
            return Fail(height, IntegrityFailure.TransactionRootMismatch, "tx_root does not match the block's transactions and results");
        }

        if (header.LogSize != log.Size)
        {
            return Fail(height, IntegrityFailure.LogSizeMismatch, $"log_size {header.LogSize}, but the transactions so far number {log.Size}");
        }

        if (!header.LogRoot.Span.SequenceEqual(log.ComputeRoot()))
        {
            return Fail(height, IntegrityFailure.LogRootMismatch, "log_root does not match the log recomputed from every transaction so far");
        }

        if (header.LogSize > _storedLog.CommittedSize || !header.LogRoot.Span.SequenceEqual(_storedLog.GetRoot(header.LogSize)))
        {
            return Fail(height, IntegrityFailure.StoredLogTreeMismatch, $"the stored log tree does not give this block's log_root at size {header.LogSize}");
        }

        _log = log;
        _previousHash = hash;
        return null;
    }

    /// <summary>
    /// Reads block <paramref name="height"/>'s transaction records, as many as its header says, into
    /// <paramref name="block"/>; a finding when one is missing or damaged. One scan iterator per block reads
    /// them in key order (a point read each would cost a lookup per transaction).
    /// </summary>
    private IntegrityFinding? ReadTransactionRecords(ulong height, Block block)
    {
        var count = block.Header.TxCount;
        if (count > BlockStore.TransactionsPerBlockMax)
        {
            return Fail(height, IntegrityFailure.TransactionCountMismatch, $"header tx_count {count} exceeds the {BlockStore.TransactionsPerBlockMax} a block may hold");
        }

        if (count == 0)
        {
            return null;
        }

        using var iterator = _database.NewScanIterator(_database.Blocks);
        iterator.Seek(BlockKeys.TransactionKey(height, 0));
        for (var position = 0u; position < count; position++, iterator.Next())
        {
            var key = BlockKeys.TransactionKey(height, position);
            if (!iterator.Valid())
            {
                _database.ThrowIfIteratorFailed(iterator);
                return Fail(height, IntegrityFailure.MissingRecord, $"transaction record {position} missing");
            }

            if (!iterator.Key().AsSpan().SequenceEqual(key))
            {
                return Fail(height, IntegrityFailure.MissingRecord, $"transaction record {position} missing");
            }

            var record = iterator.Value();
            BytesRead += record.Length;
            try
            {
                var (transaction, result) = TransactionRecord.Read(key, record, height, position);
                block.Transactions.Add(transaction);
                block.Results.Add(result);
                // Paired with what proofs read: a large transaction's result record (if it has one) must hold the same result.
                if (record.Length >= ResultRecord.TransactionRecordBytesMin && Read(BlockKeys.ResultKey(height, position)) is { } resultBytes
                    && !ResultRecord.Read(BlockKeys.ResultKey(height, position), resultBytes, height, position).Equals(result))
                {
                    return Fail(height, IntegrityFailure.MalformedRecord, $"result record {position} differs from the result in its transaction record");
                }
            }
            catch (StorageCorruptionException e)
            {
                return Fail(height, IntegrityFailure.MalformedRecord, e.Message);
            }
        }

        return null;
    }

    private byte[]? Read(byte[] key)
    {
        var value = _database.GetForScan(_database.Blocks, key);
        BytesRead += value?.Length ?? 0;
        return value;
    }

    private IntegrityFinding? VerifyIndexEntry(ulong height, uint position, SignedTransaction transaction)
    {
        var transactionHash = _hashing.HashTransaction(transaction);
        var location = _database.GetForScan(_database.TransactionIndex, transactionHash);
        if (location is null || location.Length != BlockKeys.LocationBytes)
        {
            return Fail(height, IntegrityFailure.TransactionIndexMismatch, $"transaction {position} ({Convert.ToHexStringLower(transactionHash)}) is not indexed");
        }

        // The index keeps the first occurrence, so it may point earlier, never later.
        var (indexedHeight, indexedPosition) = BlockKeys.ReadLocation(location);
        if (indexedHeight > height || (indexedHeight == height && indexedPosition > position))
        {
            return Fail(height, IntegrityFailure.TransactionIndexMismatch, $"transaction {position} is indexed at ({indexedHeight}, {indexedPosition}), after itself");
        }

        return null;
    }

    private static IntegrityFinding Fail(ulong height, IntegrityFailure failure, string reason) => new(height, failure, reason);

    private static byte[] Key(byte kind, ulong height)
    {
        var key = new byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, kind, height);
        return key;
    }
}
