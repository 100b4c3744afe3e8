using Ledger.Storage.Backups;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using Ledger.Storage.Migration;
using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests.Migration;

/// <summary>
/// The stored format-6 fixture: a plain open refuses it untouched; the explicit migration backs it up first, rewrites every
/// block as format 7 stores it, stamps it current (8), and the chain reads and scans the same. A format-7 directory is
/// refused too and migrated by a restamp.
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
    public void Format7Directory_IsRefusedByAPlainOpen_ThenMigrateBacksUpAndRestampsWithoutRewritingABlock()
    {
        // Format 8 adds compact content-hash values a format-7 build would misread: the stamp is what stops a
        // downgrade, and an upgrade from 7 is the explicit, backed-up migration like any other.
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "db");
        List<Core.Protocol.Block> before;
        using (var database = TestChain.OpenDatabase(path))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 3);
            before = [.. Enumerable.Range(1, 3).Select(h => store.GetBlock((ulong)h)!)];
            using var batch = new RocksDbSharp.WriteBatch();
            batch.Put("format_version"u8.ToArray(), new byte[] { 0, 0, 0, 7 }, database.Meta);
            database.Write(batch, sync: true);
        }

        var refused = Assert.Throws<FormatMigrationRequiredException>(() => TestChain.OpenDatabase(path));
        Assert.That(refused!.StoredVersion, Is.EqualTo(7u));

        FormatMigrationResult result;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = TestChain.ChainId, OpenOlderFormatForMigration = true }))
        {
            result = FormatMigration.Migrate(database, TestChain.Hashing, Path.Combine(directory.Path, "backup"), TimeProvider.System);
        }

        Assert.That(result.FromVersion, Is.EqualTo(7u));
        Assert.That(result.BlocksRewritten, Is.Zero);
        Assert.That(BackupVerifier.Verify(Path.Combine(directory.Path, "backup")).StorageFormatVersion, Is.EqualTo(7u));
        using var migrated = TestChain.OpenDatabase(path);
        Assert.That(migrated.StoredFormatVersion, Is.EqualTo(8u));
        var migratedStore = new BlockStore(migrated, TestChain.Hashing);
        for (var height = 1; height <= 3; height++)
        {
            Assert.That(migratedStore.GetBlock((ulong)height), Is.EqualTo(before[height - 1]), $"block {height}");
        }
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
