using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Storage.Blocks;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>Builds valid next blocks for a store, deterministically from a seed.</summary>
internal static class TestChain
{
    public const string ChainId = "block-test";

    public static readonly BlockHashing Hashing = BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance);

    public static LedgerDatabase OpenDatabase(string path, bool syncWrites = false) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = ChainId, SyncWrites = syncWrites });

    public static SignedTransaction Transaction(ulong height, int position, int seed = 0)
    {
        var envelope = new byte[40];
        BinaryPrimitives.WriteUInt64BigEndian(envelope, height);
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(8), position);
        BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(12), seed);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelope), Signature = ByteString.CopyFrom(envelope.AsSpan(0, 16)) };
    }

    /// <summary>The valid next block with <paramref name="transactionCount"/> fresh transactions.</summary>
    public static Block Next(BlockStore store, int transactionCount, int seed = 0)
    {
        var height = store.LatestHeight + 1;
        var transactions = new List<SignedTransaction>();
        for (var i = 0; i < transactionCount; i++)
        {
            transactions.Add(Transaction(height, i, seed));
        }

        return Next(store, transactions);
    }

    public static Block Next(BlockStore store, IReadOnlyList<SignedTransaction> transactions)
    {
        var tip = store.Tip;
        var results = transactions.Select((_, i) => i % 5 == 4
            ? new TransactionResult { Code = ResultCode.Rejected, Reason = "test rejection" }
            : new TransactionResult { Code = ResultCode.Ok }).ToList();
        var roots = store.ComputeRoots(transactions, results);
        var block = new Block
        {
            Header = new BlockHeader
            {
                ChainId = ChainId,
                Height = tip.Height + 1,
                PrevBlockHash = ByteString.CopyFrom(tip.BlockHash),
                TxRoot = ByteString.CopyFrom(roots.TransactionRoot),
                LogSize = roots.LogSize,
                LogRoot = ByteString.CopyFrom(roots.LogRoot),
                TimestampUnixMs = 1_700_000_000_000 + (long)tip.Height,
                ProposerNodeId = "node-1",
                RaftTerm = 1,
                RaftIndex = NextRaftIndex(store),
                TxCount = (uint)transactions.Count,
            },
        };
        block.Transactions.Add(transactions);
        block.Results.Add(results);
        return block;
    }

    public static ulong NextRaftIndex(BlockStore store) => store.AppliedRaftIndex + 1;

    /// <summary>Appends <paramref name="count"/> valid blocks of 1..7 transactions.</summary>
    public static void AppendBlocks(BlockStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var block = Next(store, (int)((store.LatestHeight + 1) % 7) + 1);
            store.Append(block, block.Header.RaftIndex);
        }
    }
}
