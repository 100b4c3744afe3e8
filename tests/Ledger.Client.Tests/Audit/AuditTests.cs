using Ledger.Cli.Infrastructure;
using Ledger.Client.Audit;
using Ledger.Client.Tests.Support;
using Ledger.Core.Protocol;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using RocksDbSharp;

namespace Ledger.Client.Tests.Audit;

public sealed class AuditTests
{
    [Test]
    public void ChainAuditor_HonestChain_VerifiesEveryBlockAndTransaction()
    {
        var chain = new TestChain();
        var auditor = new ChainAuditor(chain.Genesis);

        var accepted = chain.Blocks.All(block => auditor.Append(block));

        Assert.That(accepted, Is.True);
        Assert.That(auditor.VerifiedHeight, Is.EqualTo(2UL));
        Assert.That(auditor.TransactionsVerified, Is.EqualTo(7UL));
    }

    [Test]
    public void ChainAuditor_ForgedSignatureInBlock2_NamesHeight2()
    {
        var chain = new TestChain();
        var auditor = new ChainAuditor(chain.Genesis);
        var forged = chain.Blocks[1].Clone();
        var signature = forged.Transactions[1].Signature.ToByteArray();
        signature[^1] ^= 1;
        forged.Transactions[1].Signature = Google.Protobuf.ByteString.CopyFrom(signature);

        auditor.Append(chain.Blocks[0]);
        var accepted = auditor.Append(forged);

        Assert.That(accepted, Is.False);
        Assert.That(auditor.Failure!.Height, Is.EqualTo(2UL));
    }

    [Test]
    public void AuditDataDir_BlockTamperedInRocksDb_ExitsOneNamingTheHeight()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);
        var dataDir = directory.File("data");
        WriteStore(dataDir, chain);

        var honest = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", dataDir);
        TamperBlock(dataDir, chain, height: 2);
        var tampered = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", dataDir);

        Assert.That(honest.ExitCode, Is.EqualTo(ExitCodes.Ok), honest.Out + honest.Error);
        Assert.That(tampered.ExitCode, Is.EqualTo(ExitCodes.VerificationFailed), tampered.Out + tampered.Error);
        Assert.That(tampered.Out, Does.Contain("block 2"));
    }

    private static LedgerDatabase Open(string dataDir, TestChain chain) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = dataDir, ChainId = TestChain.ChainId, SyncWrites = false, BlockCacheBytes = 8UL * 1024 * 1024 });

    private static void WriteStore(string dataDir, TestChain chain)
    {
        using var database = Open(dataDir, chain);
        var store = new BlockStore(database, StoreReader.Hashing(chain.Genesis));
        ulong raftIndex = 10;
        foreach (var block in chain.Blocks)
        {
            store.Append(block, ++raftIndex);
        }
    }

    private static void TamperBlock(string dataDir, TestChain chain, ulong height)
    {
        // Rewrite the stored record of the block's second transaction with the last byte of its signature altered.
        // The blocks column family keys a transaction record by 'C', the big-endian height and position (Ledger.Storage
        // BlockKeys); the record is checksum (4 bytes), transaction length (4, big-endian), transaction, result.
        using var database = Open(dataDir, chain);
        var key = new byte[1 + sizeof(ulong) + sizeof(uint)];
        key[0] = (byte)'C';
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(1 + sizeof(ulong)), 1);
        var record = database.Get(database.Blocks, key) ?? throw new InvalidOperationException($"no transaction 1 of block {height} stored");
        var transactionBytes = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(record.AsSpan(4));
        record[8 + transactionBytes - 1] ^= 1;
        using var batch = new WriteBatch();
        batch.Put(key, record, database.Blocks);
        database.Write(batch);
    }
}

public sealed class AuditCheckpointTests
{
    [Test]
    public void FromCheckpoint_AfterBlock1_AuditsBlock2WithoutReadingBlock1()
    {
        var chain = new TestChain();
        var full = new ChainAuditor(chain.Genesis);
        full.Append(chain.Blocks[0]);
        var checkpoint = full.Checkpoint()!;
        var size = checkpoint.LogSize;
        var path = chain.Log.BuildInclusionProof(size - 1, size);

        var resumed = ChainAuditor.FromCheckpoint(chain.Genesis, checkpoint, chain.Log.LeafHash(size - 1), path);
        var accepted = resumed.Append(chain.Blocks[1]);

        Assert.That(accepted, Is.True, resumed.Failure?.Reason);
        Assert.That(resumed.VerifiedHeight, Is.EqualTo(2UL));
    }

    [Test]
    public void FromCheckpoint_WrongLastLeaf_IsRefused()
    {
        var chain = new TestChain();
        var full = new ChainAuditor(chain.Genesis);
        full.Append(chain.Blocks[0]);
        var checkpoint = full.Checkpoint()!;
        var size = checkpoint.LogSize;

        Assert.That(
            () => ChainAuditor.FromCheckpoint(chain.Genesis, checkpoint, chain.Log.LeafHash(size - 2), chain.Log.BuildInclusionProof(size - 1, size)),
            Throws.InstanceOf<Ledger.Core.Merkle.MerkleProofException>());
    }

    [Test]
    public void FromCheckpoint_ForeignBlock2_FailsAtHeight2()
    {
        var chain = new TestChain();
        var other = new TestChain();
        var full = new ChainAuditor(chain.Genesis);
        full.Append(chain.Blocks[0]);
        var checkpoint = full.Checkpoint()!;
        var size = checkpoint.LogSize;
        var resumed = ChainAuditor.FromCheckpoint(chain.Genesis, checkpoint, chain.Log.LeafHash(size - 1), chain.Log.BuildInclusionProof(size - 1, size));

        var accepted = resumed.Append(other.Blocks[1]);

        Assert.That(accepted, Is.False);
        Assert.That(resumed.Failure!.Height, Is.EqualTo(2UL));
    }
}

public sealed class AuditFrontierTests
{
    [Test]
    public void FromCheckpoint_EveryLogSizeUpTo33_RebuildsTheFrontierExactly()
    {
        var chain = new TestChain();
        var hasher = new Ledger.Core.Merkle.MerkleHasher(chain.Suite.Hash);
        var tree = new Ledger.Core.Merkle.MemoryMerkleTree(hasher, 64);
        for (ulong size = 1; size <= 33; size++)
        {
            tree.AppendLeaf(BitConverter.GetBytes(size));
            var checkpoint = new AuditCheckpoint(5, new string('0', 64), size, Convert.ToHexStringLower(tree.ComputeRoot()));

            Assert.That(
                () => ChainAuditor.FromCheckpoint(chain.Genesis, checkpoint, tree.LeafHash(size - 1), tree.BuildInclusionProof(size - 1, size)),
                Throws.Nothing,
                $"size {size}");
        }
    }
}
