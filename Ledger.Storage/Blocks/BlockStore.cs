using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Storage.Errors;
using Ledger.Storage.Merkle;
using RocksDbSharp;

namespace Ledger.Storage.Blocks;

/// <summary>
/// The block log. Appending a block stages, into one <see cref="WriteBatch"/>, one record per
/// transaction (<see cref="TransactionRecord"/>, with its result), the header and its hash, the
/// transaction index entries, the global log tree's nodes and the applied Raft index,
/// so after a crash the store resumes at the last whole batch. Every block is checked against the
/// chain before it is staged (<see cref="BlockInvariantException"/>) and again when read back
/// (<see cref="StorageCorruptionException"/>): height = previous + 1, previous hash = hash of the
/// previous header, tx_root, log_size and log_root recomputed. A transaction found by hash is read
/// alone (its record, its block's header) and checked against that header through its log inclusion
/// path, so the cost of a lookup does not depend on what else its block holds.
/// <para>
/// Heights start at <see cref="FirstHeight"/>; the first block's previous hash is all zero bytes.
/// One writer thread stages and commits (<see cref="StageAppend"/>, write, <see cref="MarkCommitted"/>,
/// or simply <see cref="Append"/>); any thread may read, and sees committed blocks only.
/// </para>
/// </summary>
public sealed class BlockStore
{
    public const ulong FirstHeight = 1;

    /// <summary>Upper bound on transactions in one block; the batcher's limit must not exceed it.</summary>
    public const int TransactionsPerBlockMax = 100_000;

    private readonly LedgerDatabase _database;
    private readonly BlockHashing _hashing;
    private ChainTip _tip;
    private ChainTip? _staged;
    private long _blockRecordBytesRead;

    public BlockStore(LedgerDatabase database, BlockHashing hashing)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(hashing);
        _database = database;
        _hashing = hashing;
        LogTree = new MerkleTreeStore(database, hashing.MerkleHasher);
        _tip = LoadTip();
    }

    /// <summary>The global RFC 9162 log over every transaction leaf since the first block.</summary>
    public MerkleTreeStore LogTree { get; }

    public BlockHashing Hashing => _hashing;

    /// <summary>The last committed block (height 0 and a zero hash while the chain is empty).</summary>
    public ChainTip Tip => Volatile.Read(ref _tip);

    public ulong LatestHeight => Tip.Height;

    public ulong AppliedRaftIndex => Tip.AppliedRaftIndex;

    /// <summary>
    /// Bytes of blocks-family records (headers, hashes, transaction records, legacy whole blocks) this
    /// store has read since it was opened: what its reads cost in I/O, whatever the clock says.
    /// </summary>
    public long BlockRecordBytesRead => Interlocked.Read(ref _blockRecordBytesRead);

    /// <summary>Roots the next block's header must carry for these transactions (nothing is staged).</summary>
    public BlockRoots ComputeRoots(IReadOnlyList<SignedTransaction> transactions, IReadOnlyList<TransactionResult> results)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(results);
        if (transactions.Count != results.Count)
        {
            throw new ArgumentException($"{transactions.Count} transactions but {results.Count} results");
        }

        var leafHashes = new byte[transactions.Count][];
        for (var i = 0; i < transactions.Count; i++)
        {
            leafHashes[i] = _hashing.LeafHash(transactions[i], results[i]);
        }

        return ComputeRoots(leafHashes);
    }

    /// <summary>
    /// The roots for <paramref name="transactions"/> (already hashed: <paramref name="transactionHashes"/>)
    /// appended next, keeping what they were computed from: staging a block of exactly these
    /// transaction and result objects then reuses the hashes instead of computing them again.
    /// </summary>
    public BlockRoots ComputeRoots(IReadOnlyList<SignedTransaction> transactions, IReadOnlyList<byte[]> transactionHashes, IReadOnlyList<TransactionResult> results)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(transactionHashes);
        ArgumentNullException.ThrowIfNull(results);
        if (transactions.Count != results.Count || transactions.Count != transactionHashes.Count)
        {
            throw new ArgumentException($"{transactions.Count} transactions, {transactionHashes.Count} hashes and {results.Count} results");
        }

        var leafHashes = new byte[transactions.Count][];
        for (var i = 0; i < transactions.Count; i++)
        {
            leafHashes[i] = _hashing.LeafHashOf(transactionHashes[i], results[i]);
        }

        var baseLogSize = LogTree.StagedSize;
        return ComputeRoots(leafHashes) with { Leaves = new ComputedLeaves(transactions, results, transactionHashes, leafHashes, baseLogSize) };
    }

    /// <summary>
    /// Checks <paramref name="block"/> against the chain and stages it into <paramref name="batch"/>
    /// with its index entries, log nodes and <paramref name="appliedRaftIndex"/>. Write the batch with
    /// <see cref="LedgerDatabase.Write"/>, then call <see cref="MarkCommitted"/>; on failure call
    /// <see cref="DiscardStaged"/> and drop the batch. One block per batch.
    /// </summary>
    /// <param name="computed">
    /// The roots <see cref="ComputeRoots(IReadOnlyList{SignedTransaction}, IReadOnlyList{byte[]}, IReadOnlyList{TransactionResult})"/>
    /// gave for this block's very transaction and result objects, at this tip: the header is checked
    /// against them without hashing everything again. Anything else is recomputed from the block.
    /// </param>
    public void StageAppend(WriteBatch batch, Block block, ulong appliedRaftIndex, BlockRoots? computed = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(block);
        if (_staged is not null)
        {
            throw new InvalidOperationException($"block {_staged.Height} is staged and not yet committed or discarded");
        }

        var tip = Tip;
        var header = block.Header;
        var height = header?.Height ?? tip.Height + 1;
        var leaves = computed?.Leaves is { } candidate && IsComputedFrom(candidate, block) ? candidate : null;
        var leafHashes = CheckBeforeWrite(block, tip, appliedRaftIndex, leaves is null ? null : computed);
        var blockHash = _hashing.HashHeader(header!);

        StageTransactionRecords(batch, block, height);
        Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.Header, height);
        batch.Put(key, header!.ToByteArray(), _database.Blocks);
        BlockKeys.Write(key, BlockKeys.Hash, height);
        batch.Put(key, blockHash, _database.Blocks);

        // The index keeps a transaction's first occurrence; a resubmitted copy stays in its block with its own result.
        var indexed = new HashSet<byte[]>(ByteArrayComparer.Instance);
        for (var position = 0; position < block.Transactions.Count; position++)
        {
            var transactionHash = leaves is null ? _hashing.HashTransaction(block.Transactions[position]) : leaves.TransactionHashes[position];
            if (indexed.Add(transactionHash) && !_database.HasKey(_database.TransactionIndex, transactionHash))
            {
                batch.Put(transactionHash, BlockKeys.Location(height, (uint)position), _database.TransactionIndex);
            }
        }

        foreach (var leafHash in leafHashes)
        {
            LogTree.StageAppend(batch, leafHash);
        }

        LogTree.StageFlush(batch);
        PutMeta(batch, MetaKeys.LatestHeight, height);
        PutMeta(batch, MetaKeys.AppliedRaftIndex, appliedRaftIndex);
        _staged = new ChainTip(height, blockHash, appliedRaftIndex, LogTree.StagedSize);
    }

    /// <summary>Records progress of a Raft entry that produced no block (e.g. a configuration change).</summary>
    public void StageAppliedIndex(WriteBatch batch, ulong appliedRaftIndex)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_staged is not null)
        {
            throw new InvalidOperationException($"block {_staged.Height} is staged and not yet committed or discarded");
        }

        var tip = Tip;
        if (appliedRaftIndex <= tip.AppliedRaftIndex)
        {
            throw new BlockInvariantException(BlockInvariant.RaftIndexNotIncreasing, tip.Height, $"applied Raft index {appliedRaftIndex} does not advance past {tip.AppliedRaftIndex}");
        }

        PutMeta(batch, MetaKeys.AppliedRaftIndex, appliedRaftIndex);
        _staged = tip with { AppliedRaftIndex = appliedRaftIndex };
    }

    /// <summary>Makes the staged block visible after its batch was written.</summary>
    public void MarkCommitted()
    {
        var staged = _staged ?? throw new InvalidOperationException("nothing is staged");
        LogTree.MarkCommitted();
        Volatile.Write(ref _tip, staged);
        _staged = null;
    }

    /// <summary>Forgets the staged block after its batch failed or was dropped.</summary>
    public void DiscardStaged()
    {
        LogTree.DiscardStaged();
        _staged = null;
    }

    /// <summary>
    /// Re-reads the tip and the log tree's right edge after the state underneath was replaced by a
    /// snapshot install (writer thread, nothing staged).
    /// </summary>
    public void ReloadAfterStateReplaced()
    {
        if (_staged is not null)
        {
            throw new InvalidOperationException("a block is staged; the state cannot be replaced under it");
        }

        LogTree.DiscardStaged();
        Volatile.Write(ref _tip, LoadTip());
    }

    /// <summary>Stages, writes and commits one block in its own batch.</summary>
    public void Append(Block block, ulong appliedRaftIndex)
    {
        using var batch = new WriteBatch();
        StageAppend(batch, block, appliedRaftIndex);
        try
        {
            _database.Write(batch);
        }
        catch
        {
            DiscardStaged();
            throw;
        }

        MarkCommitted();
    }

    /// <summary>
    /// The block at <paramref name="height"/>, checked against its stored hash and its predecessor, and its
    /// body against its header (transaction count and tx_root); null beyond the tip. A block that fails
    /// is never returned: <see cref="StorageCorruptionException"/> with the height.
    /// </summary>
    public Block? GetBlock(ulong height)
    {
        if (height < FirstHeight || height > Tip.Height)
        {
            return null;
        }

        // Written before the upgrade to format version 7: one whole-block record (a miss costs a bloom filter probe).
        var legacy = ReadLegacyBlock(height);
        if (legacy is not null)
        {
            return legacy;
        }

        var header = GetHeader(height)!;
        var block = new Block { Header = header };
        ReadTransactionRecords(height, header.TxCount, block);
        CheckBodyAfterRead(block, height);
        return block;
    }

    /// <summary>The block's whole-block record (format version 6 and before), checked like <see cref="GetBlock"/>; null when it has none.</summary>
    private Block? ReadLegacyBlock(ulong height)
    {
        Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.LegacyBlock, height);
        var bytes = ReadBlocksRecord(key, height, "block");
        if (bytes is null)
        {
            return null;
        }

        var block = Parse(Block.Parser, bytes, height, "block");
        if (block.Header is null)
        {
            throw new StorageCorruptionException($"block {height} has no header", height);
        }

        CheckAfterRead(block.Header, height);
        CheckBodyAfterRead(block, height);
        return block;
    }

    /// <summary>
    /// Whether block <paramref name="height"/> is stored as one whole-block record (format version 6), and if so stages
    /// its rewrite as format 7 stores it: one record per transaction, the whole-block record deleted. The block is read
    /// and checked (<see cref="GetBlock"/>) before anything is staged. For <see cref="Migration.FormatMigration"/>.
    /// </summary>
    internal bool StageLegacyBlockRewrite(WriteBatch batch, ulong height)
    {
        var legacy = ReadLegacyBlock(height);
        if (legacy is null)
        {
            return false;
        }

        StageTransactionRecords(batch, legacy, height);
        var key = new byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.LegacyBlock, height);
        batch.Delete(key, _database.Blocks);
        return true;
    }

    /// <summary>Whether block <paramref name="height"/> still has a whole-block record (format version 6).</summary>
    internal bool HasLegacyRecord(ulong height)
    {
        Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.LegacyBlock, height);
        return _database.HasKey(_database.Blocks, key);
    }

    /// <summary>Reads the <paramref name="count"/> transaction records of block <paramref name="height"/> (one batched read) into <paramref name="block"/>.</summary>
    private void ReadTransactionRecords(ulong height, uint count, Block block)
    {
        if (count > TransactionsPerBlockMax)
        {
            throw new StorageCorruptionException($"block {height}'s header says {count} transactions, more than the {TransactionsPerBlockMax} a block may hold", height);
        }

        var keys = new byte[count][];
        for (var position = 0u; position < count; position++)
        {
            keys[position] = BlockKeys.TransactionKey(height, position);
        }

        var records = new byte[]?[count];
        try
        {
            _database.GetMany(_database.Blocks, keys, records);
        }
        catch (StorageCorruptionException e) when (e.Height is null)
        {
            throw new StorageCorruptionException($"transactions of block {height}: {e.Message}", e, height);
        }

        for (var position = 0u; position < count; position++)
        {
            var record = records[position] ?? throw new StorageCorruptionException($"transaction record {position} of block {height} is missing", height);
            Interlocked.Add(ref _blockRecordBytesRead, record.Length);
            var (transaction, result) = TransactionRecord.Read(keys[position], record, height, position);
            block.Transactions.Add(transaction);
            block.Results.Add(result);
        }
    }

    /// <summary>Stages one record per transaction of <paramref name="block"/>, keyed by its height and position.</summary>
    private void StageTransactionRecords(WriteBatch batch, Block block, ulong height)
    {
        Span<byte> key = stackalloc byte[BlockKeys.TransactionKeyBytes];
        // One pooled buffer, grown as needed (the batch copies each value): a batch transaction is ~0.6 MB,
        // and a new array per record is a zeroed large-object allocation that drives gen2 collections.
        byte[]? buffer = null;
        try
        {
            for (var position = 0; position < block.Transactions.Count; position++)
            {
                var transaction = block.Transactions[position];
                var result = block.Results[position];
                var length = TransactionRecord.Length(transaction, result, out var transactionBytes);
                if (buffer is null || buffer.Length < length)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                BlockKeys.WriteTransaction(key, height, (uint)position);
                TransactionRecord.Write(buffer.AsSpan(0, length), key, transaction, transactionBytes, result);
                batch.Put(key, buffer.AsSpan(0, length), _database.Blocks);
                if (length >= ResultRecord.TransactionRecordBytesMin)
                {
                    // A proof of a large transaction (a batch) then reads this, not the blob (FindTransactionLeaf).
                    var resultKey = BlockKeys.ResultKey(height, (uint)position);
                    batch.Put(resultKey, ResultRecord.Create(resultKey, result), _database.Blocks);
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// The body read back must be the one the (hash-checked) header commits to: one result per
    /// transaction, tx_count of them, and the same tx_root. Costs one leaf hash per transaction, as
    /// serving a proof does anyway; it is what keeps a flipped byte in a stored body from being served.
    /// </summary>
    private void CheckBodyAfterRead(Block block, ulong height)
    {
        var header = block.Header;
        if (header.TxCount != (uint)block.Transactions.Count || block.Results.Count != block.Transactions.Count)
        {
            throw new StorageCorruptionException($"block {height} body holds {block.Transactions.Count} transactions and {block.Results.Count} results, its header says {header.TxCount}", height);
        }

        var transactions = new CompactMerkleTree(_hashing.MerkleHasher);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            transactions.AppendLeafHash(_hashing.LeafHash(block.Transactions[i], block.Results[i]));
        }

        var root = transactions.ComputeRoot();
        if (!header.TxRoot.Span.SequenceEqual(root))
        {
            throw new StorageCorruptionException($"block {height} body hashes to tx_root {Convert.ToHexStringLower(root)}, its header says {Convert.ToHexStringLower(header.TxRoot.Span)}", height);
        }
    }

    /// <summary>The header at <paramref name="height"/>, checked like <see cref="GetBlock"/>; null beyond the tip.</summary>
    public BlockHeader? GetHeader(ulong height)
    {
        if (height < FirstHeight || height > Tip.Height)
        {
            return null;
        }

        var header = Parse(BlockHeader.Parser, ReadRecord(BlockKeys.Header, height, "header"), height, "header");
        CheckAfterRead(header, height);
        return header;
    }

    /// <summary>The stored block hash at <paramref name="height"/>; null beyond the tip.</summary>
    public byte[]? GetBlockHash(ulong height)
    {
        if (height < FirstHeight || height > Tip.Height)
        {
            return null;
        }

        return ReadHash(height);
    }

    /// <summary>
    /// Finds a transaction by hash (its first occurrence); null when unknown or not yet committed. Reads
    /// the index entry, the block's header and hash records, the transaction's own record and the log
    /// tree's O(log n) nodes on its inclusion path, never the block's other transactions. What is read is
    /// checked before it is returned, else <see cref="StorageCorruptionException"/> with the height: the
    /// record's checksum (<see cref="TransactionRecord"/>), its transaction hash against the hash asked
    /// for, and its log leaf (hash and result) against the header's log_root through the inclusion path,
    /// which the result carries (<see cref="StoredTransaction.LogInclusion"/>).
    /// </summary>
    public StoredTransaction? FindTransaction(ReadOnlySpan<byte> transactionHash)
    {
        if (Locate(transactionHash) is not { } located)
        {
            return null;
        }

        var (height, position, header) = located;

        return ReadStoredTransaction(transactionHash, height, position, header);
    }

    /// <summary>
    /// The log leaf of a transaction found by hash (its first occurrence) and its inclusion proof in the log as of
    /// its block, without materializing the transaction. A large transaction (a batch) has a result record
    /// (<see cref="ResultRecord"/>, ~50 bytes): the leaf is the hash asked for with that result. Otherwise its
    /// record is read into a pooled buffer, its checksum verified, and only the hashed part (envelope and
    /// signature) and the result are parsed, never detached batch items (~0.7 MB for a 10,000-item batch, which
    /// <see cref="FindTransaction"/> copies twice); the transaction's hash must be the hash asked for. Either way
    /// the leaf must lead to the header's log_root before it is returned: the hash asked for, with that result, is
    /// what the chain committed at that position. Null when unknown or not yet committed;
    /// <see cref="StorageCorruptionException"/> when what was read fails a check. What an inclusion proof needs.
    /// </summary>
    public TransactionLeaf? FindTransactionLeaf(ReadOnlySpan<byte> transactionHash)
    {
        if (Locate(transactionHash) is not { } located)
        {
            return null;
        }

        var (height, position, header) = located;

        var resultKey = BlockKeys.ResultKey(height, position);
        if (_database.Get(_database.Blocks, resultKey) is { } resultRecord)
        {
            // A large transaction's result alone: the leaf is the hash asked for with it, checked against the log_root below.
            Interlocked.Add(ref _blockRecordBytesRead, resultRecord.Length);
            var result = ResultRecord.Read(resultKey, resultRecord, height, position);
            var askedHash = transactionHash.ToArray();
            var resultLeaf = _hashing.LeafHashOf(askedHash, result);
            return new TransactionLeaf(askedHash, height, position, result, header, resultLeaf, ProveStoredLeaf(header, position, resultLeaf));
        }

        if (!_hashing.TransactionHashIgnoresDetachedItems)
        {
            return TransactionLeaf.From(ReadStoredTransaction(transactionHash, height, position, header));
        }

        var key = BlockKeys.TransactionKey(height, position);
        var found = _database.TryRead(_database.Blocks, key, (Key: key, Height: height, Position: position), static (record, at) =>
            (Parts: TransactionRecord.ReadLeafParts(at.Key, record, at.Height, at.Position), Bytes: record.Length), out var read);
        if (!found || read.Parts.HashedPart is null)
        {
            // No per-transaction record (a block in the legacy whole-block format) or not laid out canonically: read it whole.
            return TransactionLeaf.From(ReadStoredTransaction(transactionHash, height, position, header));
        }

        Interlocked.Add(ref _blockRecordBytesRead, read.Bytes);
        var actualHash = _hashing.HashTransaction(read.Parts.HashedPart);
        if (!actualHash.AsSpan().SequenceEqual(transactionHash))
        {
            throw new StorageCorruptionException($"transaction index entry {Convert.ToHexStringLower(transactionHash)} points at a different transaction in block {height}", height);
        }

        var leafHash = _hashing.LeafHashOf(actualHash, read.Parts.Result);
        var proof = ProveStoredLeaf(header, position, leafHash);
        return new TransactionLeaf(actualHash, height, position, read.Parts.Result, header, leafHash, proof);
    }

    /// <summary>Where the index puts <paramref name="transactionHash"/>, with its block's checked header; null when unknown or not yet committed.</summary>
    private (ulong Height, uint Position, BlockHeader Header)? Locate(ReadOnlySpan<byte> transactionHash)
    {
        var location = _database.Get(_database.TransactionIndex, transactionHash);
        if (location is null)
        {
            return null;
        }

        if (location.Length != BlockKeys.LocationBytes)
        {
            throw new StorageCorruptionException($"transaction index entry {Convert.ToHexStringLower(transactionHash)} has {location.Length} bytes");
        }

        var (height, position) = BlockKeys.ReadLocation(location);
        var header = GetHeader(height);
        if (header is null)
        {
            // Indexed in a batch that is durable but not yet marked committed in this process.
            return null;
        }

        if (position >= header.TxCount)
        {
            throw new StorageCorruptionException($"transaction index points at position {position} of block {height}, which has {header.TxCount}", height);
        }

        return (height, position, header);
    }

    private StoredTransaction ReadStoredTransaction(ReadOnlySpan<byte> transactionHash, ulong height, uint position, BlockHeader header)
    {
        var (transaction, result) = ReadTransaction(height, position);
        var actualHash = _hashing.HashTransaction(transaction);
        if (!actualHash.AsSpan().SequenceEqual(transactionHash))
        {
            throw new StorageCorruptionException($"transaction index entry {Convert.ToHexStringLower(transactionHash)} points at a different transaction in block {height}", height);
        }

        var leafHash = _hashing.LeafHashOf(actualHash, result);
        var proof = ProveStoredLeaf(header, position, leafHash);
        return new StoredTransaction(actualHash, height, position, transaction, result, header, leafHash, proof);
    }

    /// <summary>The transaction at <paramref name="position"/> of committed block <paramref name="height"/> and its result, from its own record (or its block's legacy record).</summary>
    private (SignedTransaction Transaction, TransactionResult Result) ReadTransaction(ulong height, uint position)
    {
        var key = BlockKeys.TransactionKey(height, position);
        var record = ReadBlocksRecord(key, height, "transaction record");
        if (record is not null)
        {
            return TransactionRecord.Read(key, record, height, position);
        }

        // A block written before the upgrade to format version 7: read (and check) it whole.
        var block = ReadLegacyBlock(height) ?? throw new StorageCorruptionException($"transaction record {position} of block {height} is missing", height);
        return (block.Transactions[(int)position], block.Results[(int)position]);
    }

    /// <summary>
    /// The inclusion proof of <paramref name="leafHash"/>, read back as the transaction at <paramref name="position"/>,
    /// in the log of the header's log_size leaves, once it leads to the header's log_root: the stored transaction
    /// and result are then the ones the hash-chained header commits to.
    /// </summary>
    private InclusionProof ProveStoredLeaf(BlockHeader header, uint position, byte[] leafHash)
    {
        var leafIndex = LogLeafIndex.Get(header, position);
        var path = LogTree.GetInclusionProof(leafIndex, header.LogSize);
        var verdict = MerkleProofVerifier.CheckInclusion(_hashing.MerkleHasher, leafIndex, header.LogSize, leafHash, path, header.LogRoot.Span);
        if (verdict != MerkleProofResult.Valid)
        {
            throw new StorageCorruptionException(
                $"transaction {position} of block {header.Height} as stored does not lead to the block's log_root ({verdict}): its record or the stored log tree is damaged", header.Height);
        }

        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = header.LogSize };
        foreach (var hash in path)
        {
            proof.Path.Add(UnsafeByteOperations.UnsafeWrap(hash));
        }

        return proof;
    }

    /// <summary>Inclusion of the transaction at (<paramref name="height"/>, <paramref name="position"/>) in the log as of that block's header.</summary>
    public InclusionProof GetLogInclusionProof(ulong height, uint position)
    {
        var header = GetHeader(height) ?? throw new ArgumentOutOfRangeException(nameof(height), height, $"no committed block at height {height}");
        return GetLogInclusionProof(header, position, header.LogSize);
    }

    /// <summary>
    /// Inclusion of the transaction at <paramref name="position"/> of the block with <paramref name="header"/> in the log
    /// of <paramref name="treeSize"/> leaves (the header's own log_size, or any later committed size).
    /// </summary>
    public InclusionProof GetLogInclusionProof(BlockHeader header, uint position, ulong treeSize)
    {
        var leafIndex = LogLeafIndex.Get(header, position);
        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = treeSize };
        foreach (var hash in LogTree.GetInclusionProof(leafIndex, treeSize))
        {
            proof.Path.Add(UnsafeByteOperations.UnsafeWrap(hash));
        }

        return proof;
    }

    /// <summary>Consistency of the log between two sizes (e.g. the log_size of two headers).</summary>
    public ConsistencyProof GetLogConsistencyProof(ulong firstSize, ulong secondSize)
    {
        var proof = new ConsistencyProof { FirstSize = firstSize, SecondSize = secondSize };
        foreach (var hash in LogTree.GetConsistencyProof(firstSize, secondSize))
        {
            proof.Path.Add(ByteString.CopyFrom(hash));
        }

        return proof;
    }

    private BlockRoots ComputeRoots(byte[][] leafHashes)
    {
        var hasher = _hashing.MerkleHasher;
        var transactions = new CompactMerkleTree(hasher);
        var log = LogTree.CloneFrontier();
        foreach (var leafHash in leafHashes)
        {
            transactions.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
        }

        return new BlockRoots(transactions.ComputeRoot(), log.Size, log.ComputeRoot());
    }

    /// <summary>Whether <paramref name="leaves"/> were computed from exactly this block's transaction and result objects, after the current log.</summary>
    private bool IsComputedFrom(ComputedLeaves leaves, Block block)
    {
        if (leaves.BaseLogSize != LogTree.StagedSize || leaves.Transactions.Count != block.Transactions.Count || leaves.Results.Count != block.Results.Count)
        {
            return false;
        }

        for (var i = 0; i < leaves.Transactions.Count; i++)
        {
            if (!ReferenceEquals(leaves.Transactions[i], block.Transactions[i]) || !ReferenceEquals(leaves.Results[i], block.Results[i]))
            {
                return false;
            }
        }

        return true;
    }

    private byte[][] CheckBeforeWrite(Block block, ChainTip tip, ulong appliedRaftIndex, BlockRoots? computed)
    {
        var header = block.Header;
        var expectedHeight = tip.Height + 1;
        if (header is null)
        {
            throw new BlockInvariantException(BlockInvariant.MissingHeader, expectedHeight, "has no header");
        }

        var height = header.Height;
        if (!string.Equals(header.ChainId, _database.ChainId, StringComparison.Ordinal))
        {
            throw new BlockInvariantException(BlockInvariant.ChainIdMismatch, height, $"chain id '{header.ChainId}' is not this store's '{_database.ChainId}'");
        }

        if (height != expectedHeight)
        {
            throw new BlockInvariantException(BlockInvariant.HeightNotNext, height, $"height must be {expectedHeight} (previous {tip.Height} + 1)");
        }

        if (!header.PrevBlockHash.Span.SequenceEqual(tip.BlockHash))
        {
            throw new BlockInvariantException(
                BlockInvariant.PreviousHashMismatch, height, $"previous hash {Convert.ToHexStringLower(header.PrevBlockHash.Span)} is not block {tip.Height}'s hash {Convert.ToHexStringLower(tip.BlockHash)}");
        }

        if (block.Results.Count != block.Transactions.Count)
        {
            throw new BlockInvariantException(BlockInvariant.ResultCountMismatch, height, $"{block.Transactions.Count} transactions but {block.Results.Count} results");
        }

        if (block.Transactions.Count > TransactionsPerBlockMax)
        {
            throw new BlockInvariantException(BlockInvariant.TransactionCountMismatch, height, $"{block.Transactions.Count} transactions exceed the maximum of {TransactionsPerBlockMax}");
        }

        if (header.TxCount != (uint)block.Transactions.Count)
        {
            throw new BlockInvariantException(BlockInvariant.TransactionCountMismatch, height, $"header tx_count {header.TxCount} but {block.Transactions.Count} transactions");
        }

        if (appliedRaftIndex <= tip.AppliedRaftIndex)
        {
            throw new BlockInvariantException(BlockInvariant.RaftIndexNotIncreasing, height, $"applied Raft index {appliedRaftIndex} does not advance past {tip.AppliedRaftIndex}");
        }

        if (header.RaftIndex > appliedRaftIndex)
        {
            throw new BlockInvariantException(BlockInvariant.RaftIndexAfterApplied, height, $"header raft_index {header.RaftIndex} is beyond the applied index {appliedRaftIndex}");
        }

        byte[][] leafHashes;
        BlockRoots roots;
        if (computed?.Leaves is { } leaves)
        {
            // Hashed from these very objects at this tip a moment ago (see IsComputedFrom): same bytes, same roots.
            leafHashes = leaves.LeafHashes;
            roots = computed;
        }
        else
        {
            leafHashes = new byte[block.Transactions.Count][];
            for (var i = 0; i < leafHashes.Length; i++)
            {
                leafHashes[i] = _hashing.LeafHash(block.Transactions[i], block.Results[i]);
            }

            roots = ComputeRoots(leafHashes);
        }
        if (!header.TxRoot.Span.SequenceEqual(roots.TransactionRoot))
        {
            throw new BlockInvariantException(BlockInvariant.TransactionRootMismatch, height, $"tx_root {Convert.ToHexStringLower(header.TxRoot.Span)} but the transactions give {Convert.ToHexStringLower(roots.TransactionRoot)}");
        }

        if (header.LogSize != roots.LogSize)
        {
            throw new BlockInvariantException(BlockInvariant.LogSizeMismatch, height, $"log_size {header.LogSize} but the log would hold {roots.LogSize} leaves");
        }

        if (!header.LogRoot.Span.SequenceEqual(roots.LogRoot))
        {
            throw new BlockInvariantException(BlockInvariant.LogRootMismatch, height, $"log_root {Convert.ToHexStringLower(header.LogRoot.Span)} but the log would have root {Convert.ToHexStringLower(roots.LogRoot)}");
        }

        return leafHashes;
    }

    private void CheckAfterRead(BlockHeader header, ulong height)
    {
        if (header.Height != height)
        {
            throw new StorageCorruptionException($"record stored at height {height} carries height {header.Height}", height);
        }

        var storedHash = ReadHash(height);
        var actualHash = _hashing.HashHeader(header);
        if (!actualHash.AsSpan().SequenceEqual(storedHash))
        {
            throw new StorageCorruptionException($"block {height} hashes to {Convert.ToHexStringLower(actualHash)}, but {Convert.ToHexStringLower(storedHash)} is stored", height);
        }

        var expectedPrevious = height == FirstHeight ? new byte[_hashing.HashSizeBytes] : ReadHash(height - 1);
        if (!header.PrevBlockHash.Span.SequenceEqual(expectedPrevious))
        {
            throw new StorageCorruptionException($"block {height} links to {Convert.ToHexStringLower(header.PrevBlockHash.Span)}, but block {height - 1} is {Convert.ToHexStringLower(expectedPrevious)}", height);
        }
    }

    private byte[] ReadHash(ulong height)
    {
        var hash = ReadRecord(BlockKeys.Hash, height, "block hash");
        if (hash.Length != _hashing.HashSizeBytes)
        {
            throw new StorageCorruptionException($"block hash at height {height} has {hash.Length} bytes", height);
        }

        return hash;
    }

    private byte[] ReadRecord(byte kind, ulong height, string what)
    {
        Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, kind, height);
        return ReadBlocksRecord(key, height, what) ?? throw new StorageCorruptionException($"{what} at height {height} is missing", height);
    }

    /// <summary>A record of the blocks column family, or null; every read of it goes here and is counted (<see cref="BlockRecordBytesRead"/>).</summary>
    private byte[]? ReadBlocksRecord(ReadOnlySpan<byte> key, ulong height, string what)
    {
        byte[]? value;
        try
        {
            value = _database.Get(_database.Blocks, key);
        }
        catch (StorageCorruptionException e) when (e.Height is null)
        {
            throw new StorageCorruptionException($"{what} at height {height}: {e.Message}", e, height);
        }

        if (value is not null)
        {
            Interlocked.Add(ref _blockRecordBytesRead, value.Length);
        }

        return value;
    }

    private static T Parse<T>(MessageParser<T> parser, byte[] bytes, ulong height, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StorageCorruptionException($"{what} at height {height} does not parse: {e.Message}", e, height);
        }
    }

    private void PutMeta(WriteBatch batch, ReadOnlySpan<byte> key, ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        batch.Put(key, bytes, _database.Meta);
    }

    private ulong? ReadMeta(ReadOnlySpan<byte> key)
    {
        var bytes = _database.Get(_database.Meta, key);
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length != sizeof(ulong))
        {
            throw new StorageCorruptionException($"meta record {System.Text.Encoding.ASCII.GetString(key)} has {bytes.Length} bytes");
        }

        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private ChainTip LoadTip()
    {
        var height = ReadMeta(MetaKeys.LatestHeight) ?? 0;
        var appliedRaftIndex = ReadMeta(MetaKeys.AppliedRaftIndex) ?? 0;
        var logSize = LogTree.CommittedSize;
        if (height == 0)
        {
            if (logSize != 0)
            {
                throw new StorageCorruptionException($"no blocks are stored, but the log holds {logSize} leaves");
            }

            return new ChainTip(0, new byte[_hashing.HashSizeBytes], appliedRaftIndex, 0);
        }

        // Publish a provisional tip so the checked readers accept the latest height.
        _tip = new ChainTip(height, new byte[_hashing.HashSizeBytes], appliedRaftIndex, logSize);
        var header = GetHeader(height)!;
        if (header.LogSize != logSize)
        {
            throw new StorageCorruptionException($"block {height} says the log holds {header.LogSize} leaves, but the log tree holds {logSize}", height);
        }

        var logRoot = LogTree.GetRoot(logSize);
        if (!header.LogRoot.Span.SequenceEqual(logRoot))
        {
            throw new StorageCorruptionException($"block {height}'s log_root does not match the stored log tree", height);
        }

        Span<byte> key = stackalloc byte[BlockKeys.KeyBytes];
        BlockKeys.Write(key, BlockKeys.Hash, height + 1);
        if (_database.HasKey(_database.Blocks, key))
        {
            throw new StorageCorruptionException($"a block is stored beyond the recorded latest height {height}", height + 1);
        }

        return new ChainTip(height, ReadHash(height), appliedRaftIndex, logSize);
    }
}
