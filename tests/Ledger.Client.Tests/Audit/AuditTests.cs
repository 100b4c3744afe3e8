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

        var accepted = chain.Blocks.All(auditor.Append);

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
        // Rewrite the stored block record with one transaction's signature altered.
        var forged = chain.Blocks[(int)height - 1].Clone();
        var signature = forged.Transactions[1].Signature.ToByteArray();
        signature[^1] ^= 1;
        forged.Transactions[1].Signature = Google.Protobuf.ByteString.CopyFrom(signature);
        using var database = Open(dataDir, chain);
        var key = new byte[9];
        key[0] = (byte)'B';
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(key.AsSpan(1), height);
        using var batch = new WriteBatch();
        batch.Put(key, Google.Protobuf.MessageExtensions.ToByteArray(forged), database.Blocks);
        database.Write(batch);
    }
}
