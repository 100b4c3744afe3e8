using Ledger.Storage.Backups;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using Ledger.Storage.Migration;
using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests.Migration;

/// <summary>
/// The stored format-6 fixture: a plain open refuses it untouched; the explicit migration backs it up first, rewrites every
/// block as format 7 stores it, stamps it 7, and the chain reads and scans the same.
/// </summary>
public sealed class FormatMigrationTests
{
    [Test]
    public void Open_StoredFormat6Fixture_IsRefusedWithMigrationRequiredAndNotRestamped()
    {
        using var directory = new TempDirectory();
        var copy = Format6Fixture.CopyTo(Path.Combine(directory.Path, "db"));

        var error = Assert.Throws<FormatMigrationRequiredException>(() => TestChain.OpenDatabase(copy));

        Assert.That(error!.StoredVersion, Is.EqualTo(6u));
        Assert.That(error.WithCommand("ledger-node migrate --data-dir X").Message, Does.EndWith("ledger-node migrate --data-dir X"));
        using var readOnly = LedgerDatabase.OpenReadOnly(copy, chainId: null);
        Assert.That(readOnly.StoredFormatVersion, Is.EqualTo(6u), "still stamped 6");
    }

    [Test]
    public void Migrate_StoredFormat6Fixture_BacksUpFirstRewritesEveryBlockAndStampsVersion7()
    {
        // Arrange
        using var directory = new TempDirectory();
        var copy = Format6Fixture.CopyTo(Path.Combine(directory.Path, "db"));
        var backup = Path.Combine(directory.Path, "backup");
        List<Core.Protocol.Block> before;
        FormatMigrationResult result;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = copy, ChainId = TestChain.ChainId, OpenOlderFormatForMigration = true }))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            Assert.That(store.LatestHeight, Is.EqualTo((ulong)Format6Fixture.Blocks), "precondition: the fixture's blocks");
            Assert.That(database.Get(database.Blocks, LegacyLayout.BlockKey(1)), Is.Not.Null, "precondition: stored whole");
            before = [.. Enumerable.Range(1, Format6Fixture.Blocks).Select(h => store.GetBlock((ulong)h)!)];

            // Act
            result = FormatMigration.Migrate(database, TestChain.Hashing, backup, TimeProvider.System);
        }

        // Assert: the backup holds the directory as it was (format 6, whole-block records) and verifies.
        var backupManifest = BackupVerifier.Verify(backup);
        Assert.Multiple(() =>
        {
            Assert.That(result.FromVersion, Is.EqualTo(6u));
            Assert.That(result.BlocksRewritten, Is.EqualTo((ulong)Format6Fixture.Blocks));
            Assert.That(backupManifest.StorageFormatVersion, Is.EqualTo(6u));
            Assert.That(backupManifest.Height, Is.EqualTo((ulong)Format6Fixture.Blocks));
        });
        using (var saved = LedgerDatabase.OpenReadOnly(Path.Combine(backup, "db"), TestChain.ChainId))
        {
            Assert.That(saved.Get(saved.Blocks, LegacyLayout.BlockKey(3)), Is.Not.Null, "the backup was taken before the rewrite");
        }

        // ... and the migrated directory opens normally, every block per transaction and unchanged.
        using var migrated = TestChain.OpenDatabase(copy);
        var migratedStore = new BlockStore(migrated, TestChain.Hashing);
        Assert.That(LegacyLayout.StoredFormatVersion(migrated), Is.EqualTo(LedgerDatabase.FormatVersion));
        for (var height = 1; height <= Format6Fixture.Blocks; height++)
        {
            Assert.That(migrated.Get(migrated.Blocks, LegacyLayout.BlockKey((ulong)height)), Is.Null, $"block {height} whole-block record");
            Assert.That(migrated.Get(migrated.Blocks, BlockKeys.TransactionKey((ulong)height, 0)), Is.Not.Null, $"block {height} first transaction record");
            Assert.That(migratedStore.GetBlock((ulong)height), Is.EqualTo(before[height - 1]), $"block {height}");
        }

        var transaction = before[2].Transactions[1];
        Assert.That(migratedStore.FindTransaction(TestChain.Hashing.HashTransaction(transaction))!.Height, Is.EqualTo(3UL));
        var report = IntegrityScanner.Scan(migrated, TestChain.Hashing);
        Assert.That(report.IsIntact, Is.True, report.ToString());
    }

    [Test]
    public void Migrate_InterruptedAfterSomeBlocks_RunsAgainToTheEnd()
    {
        // Arrange: a migration that stopped after rewriting blocks 1 and 2 (still stamped 6).
        using var directory = new TempDirectory();
        var copy = Format6Fixture.CopyTo(Path.Combine(directory.Path, "db"));
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = copy, ChainId = TestChain.ChainId, OpenOlderFormatForMigration = true });
        var store = new BlockStore(database, TestChain.Hashing);
        using (var batch = new RocksDbSharp.WriteBatch())
        {
            store.StageLegacyBlockRewrite(batch, 1);
            store.StageLegacyBlockRewrite(batch, 2);
            database.Write(batch, sync: true);
        }

        // Act
        var result = FormatMigration.Migrate(database, TestChain.Hashing, Path.Combine(directory.Path, "backup"), TimeProvider.System);

        // Assert
        Assert.That(result.BlocksRewritten, Is.EqualTo((ulong)Format6Fixture.Blocks - 2));
        Assert.That(database.StoredFormatVersion, Is.EqualTo(LedgerDatabase.FormatVersion));
        Assert.That(IntegrityScanner.Scan(database, TestChain.Hashing).IsIntact, Is.True);
    }

    [Test]
    public void Migrate_CurrentDirectory_DoesNothingAndTakesNoBackup()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(Path.Combine(directory.Path, "db"));
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), 2);
        var backup = Path.Combine(directory.Path, "backup");

        var result = FormatMigration.Migrate(database, TestChain.Hashing, backup, TimeProvider.System);

        Assert.That(result.Backup, Is.Null);
        Assert.That(result.BlocksRewritten, Is.Zero);
        Assert.That(Directory.Exists(backup), Is.False);
    }

    /// <summary>Rewrites the stored fixture in the source tree (run by hand; see Fixtures/format6/README.md).</summary>
    [Test]
    [Explicit("writes into the source tree")]
    public void RegenerateFormat6Fixture()
    {
        Format6Fixture.Generate(Format6Fixture.SourceTreePath());
        Assert.Pass($"written to {Format6Fixture.SourceTreePath()}");
    }
}
