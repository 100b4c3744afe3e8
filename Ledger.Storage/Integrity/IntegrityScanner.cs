using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Merkle;

namespace Ledger.Storage.Integrity;

/// <summary>
/// Re-verifies a whole data directory from the raw records, trusting nothing previously checked:
/// every block is re-hashed and compared with its stored hash and its successor's link, tx_root and
/// the global log (size and root) are recomputed from the transactions, the stored log tree must give
/// each header's log_root, and every transaction must be indexed. Stops at the first bad height.
/// RocksDB checksum failures are reported the same way, never skipped.
/// </summary>
public static class IntegrityScanner
{
    public static IntegrityScanReport Scan(LedgerDatabase database, BlockHashing hashing, IProgress<ulong>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hashing);
        var scan = new ScanRun(database, hashing);
        return scan.Run(progress, cancellationToken);
    }

    private sealed class ScanRun(LedgerDatabase database, BlockHashing hashing)
    {
        private readonly CompactMerkleTree _log = new(hashing.MerkleHasher);
        private ulong _latestHeight;
        private ulong _verified;

        public IntegrityScanReport Run(IProgress<ulong>? progress, CancellationToken cancellationToken)
        {
            MerkleTreeStore storedLog;
            try
            {
                _latestHeight = ReadLatestHeight();
                storedLog = new MerkleTreeStore(database, hashing.MerkleHasher);
            }
            catch (StorageCorruptionException e)
            {
                return Fail(e.Height ?? 0, IntegrityFailure.StorageCorruption, e.Message);
            }

            var previousHash = new byte[hashing.HashSizeBytes];
            for (var height = BlockStore.FirstHeight; height <= _latestHeight; height++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IntegrityScanReport? failure;
                try
                {
                    failure = VerifyBlock(height, storedLog, ref previousHash);
                }
                catch (StorageCorruptionException e)
                {
                    failure = Fail(height, IntegrityFailure.StorageCorruption, e.Message);
                }

                if (failure is not null)
                {
                    return failure;
                }

                _verified++;
                progress?.Report(height);
            }

            try
            {
                if (storedLog.CommittedSize != _log.Size)
                {
                    return Fail(_latestHeight, IntegrityFailure.LogSizeMismatch, $"the stored log tree holds {storedLog.CommittedSize} leaves, the blocks {_log.Size}");
                }

                if (database.Get(database.Blocks, Key(BlockKeys.Hash, _latestHeight + 1)) is not null)
                {
                    return Fail(_latestHeight + 1, IntegrityFailure.RecordBeyondLatestHeight, $"a block hash is stored beyond the latest height {_latestHeight}");
                }
            }
            catch (StorageCorruptionException e)
            {
                return Fail(_latestHeight, IntegrityFailure.StorageCorruption, e.Message);
            }

            return new IntegrityScanReport(_latestHeight, _verified, null, null, null);
        }

        private IntegrityScanReport? VerifyBlock(ulong height, MerkleTreeStore storedLog, ref byte[] previousHash)
        {
            var blockBytes = database.Get(database.Blocks, Key(BlockKeys.Block, height));
            var headerBytes = database.Get(database.Blocks, Key(BlockKeys.Header, height));
            var storedHash = database.Get(database.Blocks, Key(BlockKeys.Hash, height));
            if (blockBytes is null || headerBytes is null || storedHash is null)
            {
                return Fail(height, IntegrityFailure.MissingRecord, $"block {(blockBytes is null ? "body " : string.Empty)}{(headerBytes is null ? "header " : string.Empty)}{(storedHash is null ? "hash " : string.Empty)}missing");
            }

            Block block;
            BlockHeader headerRecord;
            try
            {
                block = Block.Parser.ParseFrom(blockBytes);
                headerRecord = BlockHeader.Parser.ParseFrom(headerBytes);
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

            if (header.Height != height)
            {
                return Fail(height, IntegrityFailure.HeightMismatch, $"block stored at height {height} says height {header.Height}");
            }

            if (!string.Equals(header.ChainId, database.ChainId, StringComparison.Ordinal))
            {
                return Fail(height, IntegrityFailure.ChainIdMismatch, $"chain id '{header.ChainId}', expected '{database.ChainId}'");
            }

            if (!headerRecord.Equals(header))
            {
                return Fail(height, IntegrityFailure.HeaderRecordMismatch, "the separately stored header differs from the block's header");
            }

            var hash = hashing.HashHeader(header);
            if (!hash.AsSpan().SequenceEqual(storedHash))
            {
                return Fail(height, IntegrityFailure.BlockHashMismatch, $"header hashes to {Convert.ToHexStringLower(hash)}, stored hash is {Convert.ToHexStringLower(storedHash)}");
            }

            if (!header.PrevBlockHash.Span.SequenceEqual(previousHash))
            {
                return Fail(height, IntegrityFailure.BrokenLink, $"previous hash {Convert.ToHexStringLower(header.PrevBlockHash.Span)}, but block {height - 1} hashes to {Convert.ToHexStringLower(previousHash)}");
            }

            if (block.Results.Count != block.Transactions.Count || header.TxCount != (uint)block.Transactions.Count)
            {
                return Fail(height, IntegrityFailure.TransactionCountMismatch, $"{block.Transactions.Count} transactions, {block.Results.Count} results, header tx_count {header.TxCount}");
            }

            var transactions = new CompactMerkleTree(hashing.MerkleHasher);
            for (var position = 0; position < block.Transactions.Count; position++)
            {
                var leafHash = hashing.LeafHash(block.Transactions[position], block.Results[position]);
                transactions.AppendLeafHash(leafHash);
                _log.AppendLeafHash(leafHash);
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

            if (header.LogSize != _log.Size)
            {
                return Fail(height, IntegrityFailure.LogSizeMismatch, $"log_size {header.LogSize}, but the transactions so far number {_log.Size}");
            }

            if (!header.LogRoot.Span.SequenceEqual(_log.ComputeRoot()))
            {
                return Fail(height, IntegrityFailure.LogRootMismatch, "log_root does not match the log recomputed from every transaction so far");
            }

            if (header.LogSize > storedLog.CommittedSize || !header.LogRoot.Span.SequenceEqual(storedLog.GetRoot(header.LogSize)))
            {
                return Fail(height, IntegrityFailure.StoredLogTreeMismatch, $"the stored log tree does not give this block's log_root at size {header.LogSize}");
            }

            previousHash = hash;
            return null;
        }

        private IntegrityScanReport? VerifyIndexEntry(ulong height, uint position, SignedTransaction transaction)
        {
            var transactionHash = hashing.HashTransaction(transaction);
            var location = database.Get(database.TransactionIndex, transactionHash);
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

        private ulong ReadLatestHeight()
        {
            var bytes = database.Get(database.Meta, MetaKeys.LatestHeight);
            if (bytes is null)
            {
                return 0;
            }

            if (bytes.Length != sizeof(ulong))
            {
                throw new StorageCorruptionException($"latest height record has {bytes.Length} bytes");
            }

            return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }

        private IntegrityScanReport Fail(ulong height, IntegrityFailure failure, string reason) =>
            new(_latestHeight, _verified, height, failure, reason);

        private static byte[] Key(byte kind, ulong height)
        {
            var key = new byte[BlockKeys.KeyBytes];
            BlockKeys.Write(key, kind, height);
            return key;
        }
    }
}
