using Ledger.Core.Protocol;
using Ledger.Storage.Backups;
using Ledger.Storage.Blocks;
using Ledger.Storage.Integrity;
using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests.Backups;

/// <summary>
/// An online backup is a RocksDB checkpoint at one applied index with a manifest read from it; a restore copies nothing
/// from a backup that differs from its manifest in any file.
/// </summary>
public sealed class DatabaseBackupTests
{
    [Test]
    public void Create_DatabaseWithBlocks_ManifestNamesItsHeadAndEveryFileAndTheRestoreReadsTheSameChain()
    {
        // Arrange
        using var directory = new TempDirectory();
        var source = Path.Combine(directory.Path, "source");
        var backup = Path.Combine(directory.Path, "backup");
        var restored = Path.Combine(directory.Path, "restored", "db");
        List<Block> blocks;
        byte[] headHash;
        BackupManifest manifest;
        using (var database = TestChain.OpenDatabase(source))
        {
            var store = new BlockStore(database, TestChain.Hashing);
            TestChain.AppendBlocks(store, 6);
            blocks = [.. Enumerable.Range(1, 6).Select(h => store.GetBlock((ulong)h)!)];
            headHash = store.GetBlockHash(6)!;

            // Act
            manifest = DatabaseBackup.Create(database, backup, genesisHash: [1, 2, 3], TimeProvider.System);
        }

        var restoredManifest = DatabaseRestore.Restore(backup, restored, TestChain.ChainId);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(manifest.ChainId, Is.EqualTo(TestChain.ChainId));
            Assert.That(manifest.Height, Is.EqualTo(6UL));
            Assert.That(manifest.AppliedRaftIndex, Is.EqualTo(blocks[^1].Header.RaftIndex));
            Assert.That(manifest.HeadHashHex, Is.EqualTo(Convert.ToHexStringLower(headHash)));
            Assert.That(manifest.GenesisHashHex, Is.EqualTo("010203"));
            Assert.That(manifest.StorageFormatVersion, Is.EqualTo(LedgerDatabase.FormatVersion));
            Assert.That(manifest.Files.Select(f => f.Name), Is.EquivalentTo(Directory.GetFiles(Path.Combine(backup, "db")).Select(Path.GetFileName)));
            Assert.That(manifest.Files.Select(f => f.Name), Has.Some.EndsWith(".sst"));
            Assert.That(restoredManifest, Is.EqualTo(manifest).Using<BackupManifest>((a, b) => a.ToJson().AsSpan().SequenceEqual(b.ToJson())));
        });
        using var reopened = TestChain.OpenDatabase(restored);
        var restoredStore = new BlockStore(reopened, TestChain.Hashing);
        Assert.That(restoredStore.LatestHeight, Is.EqualTo(6UL));
        for (var height = 1; height <= 6; height++)
        {
            Assert.That(restoredStore.GetBlock((ulong)height), Is.EqualTo(blocks[height - 1]), $"block {height}");
        }

        Assert.That(IntegrityScanner.Scan(reopened, TestChain.Hashing).IsIntact, Is.True);
    }

    [Test]
    public void Create_WhileBlocksKeepBeingAppended_TheBackupIsOneAppliedIndexWithEveryFamilyAtIt()
    {
        // Arrange: a writer appending blocks (each one atomic batch with its applied index) throughout the backup.
        using var directory = new TempDirectory();
        var source = Path.Combine(directory.Path, "source");
        var backup = Path.Combine(directory.Path, "backup");
        var restored = Path.Combine(directory.Path, "restored");
        using var database = TestChain.OpenDatabase(source);
        var store = new BlockStore(database, TestChain.Hashing);
        TestChain.AppendBlocks(store, 3);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var next = TestChain.Next(store, 20);
                store.Append(next, next.Header.RaftIndex);
            }
        });
        while (store.LatestHeight < 30)
        {
            Thread.Yield();
        }

        // Act
        var manifest = DatabaseBackup.Create(database, backup, genesisHash: null, TimeProvider.System);
        stop.Cancel();
        writer.Wait();
        DatabaseRestore.Restore(backup, restored);

        // Assert: the image is a prefix of the chain, whole: head, applied index, log tree and index agree with each other.
        using var image = TestChain.OpenDatabase(restored);
        var imageStore = new BlockStore(image, TestChain.Hashing);
        Assert.That(manifest.Height, Is.GreaterThanOrEqualTo(30UL));
        Assert.That(imageStore.LatestHeight, Is.EqualTo(manifest.Height));
        Assert.That(imageStore.AppliedRaftIndex, Is.EqualTo(manifest.AppliedRaftIndex));
        Assert.That(imageStore.GetHeader(manifest.Height)!.RaftIndex, Is.EqualTo(manifest.AppliedRaftIndex), "every block applied up to the backup's applied index, and none beyond");
        Assert.That(Convert.ToHexStringLower(imageStore.GetBlockHash(manifest.Height)!), Is.EqualTo(manifest.HeadHashHex));
        for (var height = 1UL; height <= manifest.Height; height++)
        {
            Assert.That(imageStore.GetBlock(height), Is.EqualTo(store.GetBlock(height)), $"block {height}");
        }

        var report = IntegrityScanner.Scan(image, TestChain.Hashing);
        Assert.That(report.IsIntact, Is.True, report.ToString());
    }

    [Test]
    public void Restore_OneByteOfATableFileFlipped_IsRefusedNamingTheFileAndCreatesNothing()
    {
        var (directory, backup) = BackedUp();
        using var _ = directory;
        var table = Directory.GetFiles(Path.Combine(backup, "db"), "*.sst").First();
        FlipByte(table, new FileInfo(table).Length / 2);
        var target = Path.Combine(directory.Path, "restored", "db");

        var error = Assert.Throws<BackupVerificationException>(() => DatabaseRestore.Restore(backup, target));

        Assert.That(error!.Message, Does.Contain(table).And.Contain("SHA-256"));
        Assert.That(Directory.Exists(target), Is.False);
        Assert.That(Directory.Exists(target + DatabaseRestore.InProgressSuffix), Is.False);
    }

    [Test]
    public void Restore_FileMissingOrAddedOrManifestTampered_IsRefused()
    {
        var (directory, backup) = BackedUp();
        using var _ = directory;
        var database = Path.Combine(backup, "db");
        var target = Path.Combine(directory.Path, "restored", "db");

        var extra = Path.Combine(database, "000999.sst");
        File.WriteAllBytes(extra, [1, 2, 3]);
        Assert.That(Assert.Throws<BackupVerificationException>(() => DatabaseRestore.Restore(backup, target))!.Message, Does.Contain("not in its manifest"));
        File.Delete(extra);

        var current = Path.Combine(database, "CURRENT");
        var saved = File.ReadAllBytes(current);
        File.Delete(current);
        Assert.That(Assert.Throws<BackupVerificationException>(() => DatabaseRestore.Restore(backup, target))!.Message, Does.Contain("CURRENT").And.Contain("missing"));
        File.WriteAllBytes(current, saved);

        var manifestPath = Path.Combine(backup, BackupManifest.FileName);
        var manifest = File.ReadAllText(manifestPath);
        File.WriteAllText(manifestPath, manifest.Replace("\"name\": \"CURRENT\"", "\"name\": \"../CURRENT\"", StringComparison.Ordinal));
        Assert.That(Assert.Throws<BackupVerificationException>(() => DatabaseRestore.Restore(backup, target))!.Message, Does.Contain("not a plain file name"));
        File.WriteAllText(manifestPath, manifest);

        File.Delete(manifestPath);
        Assert.That(Assert.Throws<BackupVerificationException>(() => DatabaseRestore.Restore(backup, target))!.Message, Does.Contain("did not finish"));
        Assert.That(Directory.Exists(target), Is.False);
    }

    [Test]
    public void Restore_IntoADirectoryThatHoldsADatabase_IsRefused()
    {
        var (directory, backup) = BackedUp();
        using var _ = directory;
        var target = Path.Combine(directory.Path, "source");

        var error = Assert.Throws<IOException>(() => DatabaseRestore.Restore(backup, target));

        Assert.That(error!.Message, Does.Contain("not empty"));
    }

    [Test]
    public void Create_IntoADirectoryThatIsNotEmptyOrInsideTheDatabase_IsRefused()
    {
        using var directory = new TempDirectory();
        using var database = TestChain.OpenDatabase(Path.Combine(directory.Path, "source"));
        var backup = Path.Combine(directory.Path, "backup");
        Directory.CreateDirectory(backup);
        File.WriteAllText(Path.Combine(backup, "something"), "x");

        var error = Assert.Throws<IOException>(() => DatabaseBackup.Create(database, backup, null, TimeProvider.System));

        Assert.That(error!.Message, Does.Contain("not empty"));
        Assert.That(File.Exists(Path.Combine(backup, "something")), Is.True);
        var inside = Assert.Throws<IOException>(() => DatabaseBackup.Create(database, Path.Combine(directory.Path, "source", "backup"), null, TimeProvider.System));
        Assert.That(inside!.Message, Does.Contain("inside the database directory"));
    }

    [Test]
    public void Parse_FieldOutOfBounds_IsRefusedNamingTheField()
    {
        var manifest = new BackupManifest
        {
            ChainId = "c",
            StorageFormatVersion = 7,
            AppliedRaftIndex = 5,
            AppliedRaftTerm = 2,
            Height = 3,
            HeadHashHex = "ab",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Files = [new BackupFile("CURRENT", 16, new string('0', 64))],
        };
        var json = System.Text.Encoding.UTF8.GetString(manifest.ToJson());
        Assert.That(BackupManifest.Parse(manifest.ToJson(), "m").Files, Has.Count.EqualTo(1));

        Assert.Multiple(() =>
        {
            Assert.That(Refusal(json.Replace("\"bytes\": 16", "\"bytes\": -1", StringComparison.Ordinal)), Does.Contain("'bytes'"));
            Assert.That(Refusal(json.Replace("\"bytes\": 16", "\"bytes\": 2000000000000", StringComparison.Ordinal)), Does.Contain("'bytes'"));
            Assert.That(Refusal(json.Replace(new string('0', 64), new string('0', 63) + "z", StringComparison.Ordinal)), Does.Contain("SHA-256"));
            Assert.That(Refusal(json.Replace("\"manifestVersion\": 1", "\"manifestVersion\": 2", StringComparison.Ordinal)), Does.Contain("manifest version 2"));
            Assert.That(Refusal(json.Replace("\"chainId\": \"c\"", "\"chainId\": \"" + new string('c', 300) + "\"", StringComparison.Ordinal)), Does.Contain("'chainId'"));
            Assert.That(Refusal(json[..^3]), Does.Contain("not valid JSON"));
        });
    }

    private static string Refusal(string json) =>
        Assert.Throws<BackupVerificationException>(() => BackupManifest.Parse(System.Text.Encoding.UTF8.GetBytes(json), "m"))!.Message;

    private static (TempDirectory Directory, string Backup) BackedUp()
    {
        var directory = new TempDirectory();
        var backup = Path.Combine(directory.Path, "backup");
        using var database = TestChain.OpenDatabase(Path.Combine(directory.Path, "source"));
        TestChain.AppendBlocks(new BlockStore(database, TestChain.Hashing), 4);
        DatabaseBackup.Create(database, backup, genesisHash: null, TimeProvider.System);
        return (directory, backup);
    }

    private static void FlipByte(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }
}
