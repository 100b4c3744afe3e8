using System.Buffers.Binary;
using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;
using Ledger.Storage;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Tests.Applying;

/// <summary>A block's proofs built in one pass are the very proofs the store builds one by one.</summary>
public sealed class BlockInclusionProofsTests
{
    private static readonly BlockHashing Hashing = BlockHashing.CreateInterim(Sha256HashAlgorithm.Instance);

    private string directory = "";
    private LedgerDatabase? database;

    [SetUp]
    public void OpenStore()
    {
        directory = Path.Combine(Path.GetTempPath(), "ledger-node-tests", Guid.NewGuid().ToString("N"));
        database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "proof-test" });
    }

    [TearDown]
    public void DeleteStore()
    {
        database?.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public void Get_EveryPositionOfBlocksOfManySizes_SameBytesAsTheStore()
    {
        var store = new BlockStore(database!, Hashing);
        // Sizes that start and end blocks on and off power-of-two and tile (16-leaf) boundaries.
        int[] sizes = [1, 1, 2, 3, 5, 8, 16, 17, 31, 1, 64, 100, 7, 256, 255, 1, 33];
        foreach (var size in sizes)
        {
            var (header, leafHashes) = AppendBlock(store, size);
            var proofs = new BlockInclusionProofs(header, leafHashes, store.LogTree);

            for (uint position = 0; position < size; position++)
            {
                var folded = proofs.Get(position);
                var stored = store.GetLogInclusionProof(header, position, header.LogSize);
                Assert.That(folded.ToByteArray(), Is.EqualTo(stored.ToByteArray()), $"block {header.Height} ({size} transactions), position {position}");
            }
        }
    }

    [Test]
    public void Get_AfterLaterBlocks_StillProvesAgainstItsOwnLogSize()
    {
        var store = new BlockStore(database!, Hashing);
        AppendBlock(store, 9);
        var (header, leafHashes) = AppendBlock(store, 12);
        AppendBlock(store, 40);
        var proofs = new BlockInclusionProofs(header, leafHashes, store.LogTree);

        for (uint position = 0; position < 12; position++)
        {
            Assert.That(proofs.Get(position), Is.EqualTo(store.GetLogInclusionProof(header, position, header.LogSize)));
        }
    }

    [Test]
    public void Get_ConcurrentFirstCallers_AllGetTheSameProofs()
    {
        var store = new BlockStore(database!, Hashing);
        AppendBlock(store, 21);
        var (header, leafHashes) = AppendBlock(store, 300);
        var proofs = new BlockInclusionProofs(header, leafHashes, store.LogTree);

        var results = new InclusionProof[300];
        Parallel.For(0, 300, i => results[i] = proofs.Get((uint)i));

        for (uint position = 0; position < 300; position++)
        {
            Assert.That(results[position], Is.EqualTo(store.GetLogInclusionProof(header, position, header.LogSize)));
        }
    }

    [Test]
    public void Get_LeafHashesThatAreNotTheBlocks_Throws()
    {
        var store = new BlockStore(database!, Hashing);
        AppendBlock(store, 5);
        var (header, leafHashes) = AppendBlock(store, 6);
        var altered = leafHashes.Select(hash => (byte[])hash.Clone()).ToArray();
        altered[3][0] ^= 1;
        var proofs = new BlockInclusionProofs(header, altered, store.LogTree);

        Assert.That(() => proofs.Get(0), Throws.InvalidOperationException.With.Message.Contains("log root"));
    }

    [Test]
    public void Get_PositionBeyondTheBlock_Throws()
    {
        var store = new BlockStore(database!, Hashing);
        var (header, leafHashes) = AppendBlock(store, 4);
        var proofs = new BlockInclusionProofs(header, leafHashes, store.LogTree);

        Assert.That(() => proofs.Get(4), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Constructor_LeafCountNotTheBlocks_Throws()
    {
        var store = new BlockStore(database!, Hashing);
        var (header, leafHashes) = AppendBlock(store, 4);

        Assert.That(() => new BlockInclusionProofs(header, leafHashes.Take(3).ToArray(), store.LogTree), Throws.ArgumentException);
    }

    /// <summary>Appends the next block of <paramref name="count"/> transactions; returns its header and leaf hashes as the apply path has them.</summary>
    private static (BlockHeader Header, IReadOnlyList<byte[]> LeafHashes) AppendBlock(BlockStore store, int count)
    {
        var tip = store.Tip;
        var transactions = new List<SignedTransaction>();
        var hashes = new List<byte[]>();
        var results = new List<TransactionResult>();
        for (var i = 0; i < count; i++)
        {
            var envelope = new byte[24];
            BinaryPrimitives.WriteUInt64BigEndian(envelope, tip.Height + 1);
            BinaryPrimitives.WriteInt32BigEndian(envelope.AsSpan(8), i);
            var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(envelope), Signature = ByteString.CopyFrom(envelope.AsSpan(0, 12)) };
            transactions.Add(transaction);
            hashes.Add(Hashing.HashTransaction(transaction));
            results.Add(i % 3 == 2 ? new TransactionResult { Code = ResultCode.Rejected, Reason = "test" } : new TransactionResult { Code = ResultCode.Ok });
        }

        var roots = store.ComputeRoots(transactions, hashes, results);
        var header = new BlockHeader
        {
            ChainId = "proof-test",
            Height = tip.Height + 1,
            PrevBlockHash = ByteString.CopyFrom(tip.BlockHash),
            TxRoot = ByteString.CopyFrom(roots.TransactionRoot),
            LogSize = roots.LogSize,
            LogRoot = ByteString.CopyFrom(roots.LogRoot),
            TimestampUnixMs = 1_700_000_000_000,
            ProposerNodeId = "node-1",
            RaftTerm = 1,
            RaftIndex = store.AppliedRaftIndex + 1,
            TxCount = (uint)count,
        };
        var block = new Block { Header = header };
        block.Transactions.Add(transactions);
        block.Results.Add(results);
        store.Append(block, header.RaftIndex);
        return (header, roots.LeafHashes!);
    }
}
