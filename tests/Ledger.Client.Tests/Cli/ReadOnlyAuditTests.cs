using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Ledger.Storage;
using Ledger.Storage.Blocks;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// <c>ledger audit --data-dir</c> reads a node's store without writing to it (issue #19): the node's data
/// directory as the node prints it is accepted, a directory without a ledger is refused, and an audit that
/// verified no block is not reported as a pass.
/// </summary>
public sealed class ReadOnlyAuditTests
{
    [Test]
    public void AuditDataDir_NodeDataDirectoryAsPrinted_VerifiesTheChainAndCreatesOrChangesNoFile()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        var data = NodeDataDirectory(directory, chain);
        var genesis = Path.Combine(data, "dev", "genesis.json");
        var before = Listing(data);

        var asPrinted = CliRunner.Run("audit", "--genesis-file", genesis, "--data-dir", data, "-o", "json");
        var databaseItself = CliRunner.Run("audit", "--genesis-file", genesis, "--data-dir", Path.Combine(data, "db"), "-o", "json");

        Assert.That(asPrinted.ExitCode, Is.EqualTo(ExitCodes.Ok), asPrinted.Out + asPrinted.Error);
        var summary = JsonDocument.Parse(asPrinted.Out).RootElement;
        Assert.That(summary.GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(summary.GetProperty("verifiedHeight").GetUInt64(), Is.EqualTo(2UL));
        Assert.That(summary.GetProperty("transactionsVerified").GetUInt64(), Is.EqualTo(7UL));
        Assert.That(summary.GetProperty("source").GetString(), Is.EqualTo(Path.Combine(data, "db")));
        Assert.That(databaseItself.ExitCode, Is.EqualTo(ExitCodes.Ok), databaseItself.Out + databaseItself.Error);
        Assert.That(Listing(data), Is.EqualTo(before), "the audit created, changed or removed a file in the node's data directory");
    }

    [Test]
    public void AuditDataDir_WhileTheStoreIsOpenForWriting_ReadsItWithoutTheLock()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        var data = NodeDataDirectory(directory, chain);

        // A running node holds the database open (and its RocksDB LOCK).
        using var running = OpenForWriting(Path.Combine(data, "db"));
        var audit = CliRunner.Run("audit", "--genesis-file", Path.Combine(data, "dev", "genesis.json"), "--data-dir", data);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.Ok), audit.Out + audit.Error);
        Assert.That(audit.Out, Does.Contain("✓ 2 blocks, 7 transactions verified"));
    }

    [Test]
    public void AuditDataDir_DirectoryWithoutALedger_IsRefusedNamingThePathToGiveAndStaysEmpty()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);
        var empty = directory.File("data");
        Directory.CreateDirectory(empty);
        var withEmptyDb = directory.File("data2");
        Directory.CreateDirectory(Path.Combine(withEmptyDb, "db"));

        var refused = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", empty);
        var refusedDb = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", withEmptyDb);
        var missing = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", directory.File("nowhere"));

        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.NotFound), refused.Out + refused.Error);
        Assert.That(refused.Error, Does.Contain("holds no ledger").And.Contain("node's data directory").And.Contain("db/"));
        Assert.That(refused.Out, Does.Not.Contain("✓"));
        Assert.That(Directory.EnumerateFileSystemEntries(empty), Is.Empty, "a read-only tool created something");
        Assert.That(refusedDb.ExitCode, Is.EqualTo(ExitCodes.NotFound), refusedDb.Out + refusedDb.Error);
        Assert.That(Directory.EnumerateFileSystemEntries(Path.Combine(withEmptyDb, "db")), Is.Empty);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.NotFound), missing.Out + missing.Error);
        Assert.That(Directory.Exists(directory.File("nowhere")), Is.False);
    }

    [Test]
    public void AuditDataDir_StoreWithNoBlocks_IsNotReportedAsAPass()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        File.WriteAllBytes(directory.File("genesis.json"), chain.GenesisBytes);
        var data = directory.File("data");
        using (OpenForWriting(Path.Combine(data, "db")))
        {
            // A node that stamped its database and committed nothing yet.
        }

        var text = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", data);
        var json = CliRunner.Run("audit", "--genesis-file", directory.File("genesis.json"), "--data-dir", data, "-o", "json");

        Assert.That(text.ExitCode, Is.EqualTo(ExitCodes.NotFound), text.Out + text.Error);
        Assert.That(text.Out, Does.Not.Contain("✓").And.Contain("nothing audited"));
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.NotFound));
        var summary = JsonDocument.Parse(json.Out).RootElement;
        Assert.That(summary.GetProperty("passed").GetBoolean(), Is.False);
        Assert.That(summary.GetProperty("empty").GetBoolean(), Is.True);
    }

    [Test]
    public void AuditDataDir_StoreOfAnotherChain_IsMalformedInputNotAnInternalError()
    {
        using var directory = new TempDirectory();
        var chain = new TestChain();
        var data = NodeDataDirectory(directory, chain);
        var other = System.Text.Encoding.UTF8.GetString(chain.GenesisBytes).Replace($"\"{TestChain.ChainId}\"", "\"another-chain\"", StringComparison.Ordinal);
        File.WriteAllText(directory.File("other-genesis.json"), other);

        var audit = CliRunner.Run("audit", "--genesis-file", directory.File("other-genesis.json"), "--data-dir", data);

        Assert.That(audit.ExitCode, Is.EqualTo(ExitCodes.InvalidInput), audit.Out + audit.Error);
        Assert.That(audit.Error, Does.Contain("another-chain").And.Not.Contain("   at "));
    }

    /// <summary>The layout the node writes: DATA/db (RocksDB) and DATA/dev/genesis.json.</summary>
    private static string NodeDataDirectory(TempDirectory directory, TestChain chain)
    {
        var data = directory.File("data");
        Directory.CreateDirectory(Path.Combine(data, "dev"));
        File.WriteAllBytes(Path.Combine(data, "dev", "genesis.json"), chain.GenesisBytes);
        using var database = OpenForWriting(Path.Combine(data, "db"));
        var store = new BlockStore(database, StoreReader.Hashing(chain.Genesis));
        ulong raftIndex = 10;
        foreach (var block in chain.Blocks)
        {
            store.Append(block, ++raftIndex);
        }

        return data;
    }

    private static LedgerDatabase OpenForWriting(string path) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = TestChain.ChainId, SyncWrites = false, BlockCacheBytes = 8UL * 1024 * 1024 });

    /// <summary>Every file and directory under <paramref name="root"/>: relative path, length, last write time.</summary>
    private static List<string> Listing(string root) =>
        [.. new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
            .Select(entry => $"{Path.GetRelativePath(root, entry.FullName)} {(entry is FileInfo file ? file.Length : -1)} {entry.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal)];
}
