using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using RocksDbSharp;

namespace Ledger.Node.Tests.Integrity;

/// <summary>A temporary store holding a valid chain, for the integrity scan's tests.</summary>
internal sealed class ScanStore : IDisposable
{
    public const string ChainId = "scan-test";

    public static readonly BlockHashing Hashing = BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "ledger-node-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Opens a store with <paramref name="blockCount"/> blocks of <paramref name="transactionsPerBlock"/> transactions each.</summary>
    public ScanStore(int blockCount, int transactionsPerBlock)
    {
        Database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId });
        Blocks = new BlockStore(Database, Hashing);
        for (var i = 0; i < blockCount; i++)
        {
            Append(transactionsPerBlock);
        }
    }

    public LedgerDatabase Database { get; }

    public BlockStore Blocks { get; }

    /// <summary>Rewrites the stored body of block <paramref name="height"/> (its first transaction record) with one byte flipped (RocksDB's checksums stay valid).</summary>
    public void FlipByteOfBlock(ulong height, int offset)
    {
        // The blocks column family keys a transaction record by 'C', the big-endian height and position (Ledger.Storage BlockKeys).
        var key = new byte[1 + sizeof(ulong) + sizeof(uint)];
        key[0] = (byte)'C';
        BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        var value = Database.Get(Database.Blocks, key)!;
        value[offset] ^= 0x10;
        using var batch = new WriteBatch();
        batch.Put(key, value, Database.Blocks);
        Database.Write(batch);
    }

    public void Dispose()
    {
        Database.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private void Append(int count)
    {
        var tip = Blocks.Tip;
        var transactions = new List<SignedTransaction>();
        var results = new List<TransactionResult>();
        for (var i = 0; i < count; i++)
        {
            var envelope = new byte[64];
            BinaryPrimitives.WriteUInt64BigEndian(envelope, tip.Height + 1);
            BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(8), i);
            transactions.Add(new SignedTransaction { Envelope = ByteString.CopyFrom(envelope), Signature = ByteString.CopyFrom(envelope.AsSpan(0, 12)) });
            results.Add(new TransactionResult { Code = ResultCode.Ok });
        }

        var roots = Blocks.ComputeRoots(transactions, results);
        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = tip.Height + 1,
            PrevBlockHash = ByteString.CopyFrom(tip.BlockHash),
            TxRoot = ByteString.CopyFrom(roots.TransactionRoot),
            LogSize = roots.LogSize,
            LogRoot = ByteString.CopyFrom(roots.LogRoot),
            TimestampUnixMs = 1_700_000_000_000,
            ProposerNodeId = "node-1",
            RaftTerm = 1,
            RaftIndex = Blocks.AppliedRaftIndex + 1,
            TxCount = (uint)count,
        };
        var block = new Block { Header = header };
        block.Transactions.Add(transactions);
        block.Results.Add(results);
        Blocks.Append(block, header.RaftIndex);
    }
}
