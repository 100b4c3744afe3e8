using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Registry.State;
using Ledger.Storage.Blocks;
using Ledger.Storage.Raft;
using Ledger.Storage.Registry;
using Ledger.Storage.Snapshots;
using Ledger.Storage.Tests.Blocks;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Storage.Tests.Snapshots;

/// <summary>State snapshots: export from one database, transfer through staging, install into another; crashes leave old or new state.</summary>
public sealed class StateSnapshotTests
{
    private const int SourceBlocks = 40;
    private const int ChunkBytes = 4096;

    private TempDirectory temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempDirectory();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void ExportStageInstall_TargetReadsAreByteIdenticalToTheSource_AndItsOldStateIsGone()
    {
        // Arrange: a source with blocks and registry state, a target with a different (shorter) chain.
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        using var target = TestChain.OpenDatabase(Path.Combine(temp.Path, "target"));
        BuildState(target, 5, seed: 2);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));

        // Act
        var ready = Transfer(manifest, Path.Combine(temp.Path, "export"), new SnapshotStaging(Path.Combine(temp.Path, "staging")));
        StateSnapshotInstaller.Install(target, ready, manifest);

        // Assert
        Assert.That(Dump(target), Is.EqualTo(Dump(source)));
        var sourceBlocks = new BlockStore(source, TestChain.Hashing);
        var targetBlocks = new BlockStore(target, TestChain.Hashing);
        Assert.That(targetBlocks.Tip.Height, Is.EqualTo((ulong)SourceBlocks));
        Assert.That(targetBlocks.Tip.BlockHash, Is.EqualTo(sourceBlocks.Tip.BlockHash));
        for (ulong height = 1; height <= SourceBlocks; height++)
        {
            Assert.That(targetBlocks.GetBlock(height)!.ToByteArray(), Is.EqualTo(sourceBlocks.GetBlock(height)!.ToByteArray()), $"block {height}");
        }

        Assert.That(targetBlocks.GetLogConsistencyProof(3, targetBlocks.Tip.LogSize).Path, Is.EqualTo(sourceBlocks.GetLogConsistencyProof(3, sourceBlocks.Tip.LogSize).Path));
        var targetState = new RocksDbRegistryState(target);
        Assert.That(targetState.TryGet(RegistryKey(7, seed: 1), out var value), Is.True);
        Assert.That(value, Is.EqualTo(RegistryValue(7, seed: 1)));
        Assert.That(targetState.TryGet(RegistryKey(3, seed: 2), out _), Is.False, "a key only the old state had survived the install");
        Assert.That(manifest.Meta.Index, Is.EqualTo((ulong)SourceBlocks));
        Assert.That(manifest.Meta.Voters, Is.EqualTo(new ulong[] { 1, 2, 3 }));
    }

    [Test]
    public void Install_LinksTheStagedFilesInsteadOfCopying_TheReadyCopyStaysIntact_AndTheStateOutlivesItsRemoval()
    {
        // A 100M-item learner needed ~3x its 16.8 GB snapshot free while the check and the install each copied it.
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("hard links are probed through libc on Linux");
        }

        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        var ready = Transfer(manifest, Path.Combine(temp.Path, "export"), new SnapshotStaging(Path.Combine(temp.Path, "staging")));
        var stagedBefore = manifest.Files.ToDictionary(f => f.ColumnFamily, f => File.ReadAllBytes(SnapshotStaging.PathOf(ready, f)));
        var targetDirectory = Path.Combine(temp.Path, "target");
        Assert.That(SnapshotFileLinks.CanLink(ready, targetDirectory), Is.True, "staging and target share one file system here");

        using (var target = TestChain.OpenDatabase(targetDirectory))
        {
            BuildState(target, 5, seed: 2);
            StateSnapshotInstaller.Install(target, ready, manifest);

            // The ready copy is untouched (a crash replays the install from it)...
            foreach (var file in manifest.Files)
            {
                Assert.That(File.ReadAllBytes(SnapshotStaging.PathOf(ready, file)), Is.EqualTo(stagedBefore[file.ColumnFamily]), file.ColumnFamily);
            }

            // ...and the database holds the same files, not copies: a byte appended to a staged file shows in the
            // database's file of the same content.
            var largest = manifest.Files.OrderByDescending(f => f.SizeBytes).First();
            var stagedPath = SnapshotStaging.PathOf(ready, largest);
            var ingested = Directory.GetFiles(targetDirectory, "*.sst").Single(p => File.ReadAllBytes(p).AsSpan().SequenceEqual(stagedBefore[largest.ColumnFamily]));
            File.AppendAllText(stagedPath, "x");
            Assert.That(new FileInfo(ingested).Length, Is.EqualTo((long)largest.SizeBytes + 1), "the database's file is the staged file under a second name");
            File.WriteAllBytes(stagedPath, stagedBefore[largest.ColumnFamily]);
        }

        Directory.Delete(ready, recursive: true);
        using var reopened = TestChain.OpenDatabase(targetDirectory);
        Assert.That(Dump(reopened), Is.EqualTo(Dump(source)));
    }

    [Test]
    public void CanLink_AcrossFileSystems_IsFalse_SoTheReceiverCountsCopies()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/dev/shm"))
        {
            Assert.Ignore("needs a tmpfs at /dev/shm beside the test's temporary directory");
        }

        var onTmpfs = Path.Combine("/dev/shm", $"ledger-link-{Guid.NewGuid():N}");
        try
        {
            var sameDevice = string.Equals(RootMount(temp.Path), RootMount(onTmpfs), StringComparison.Ordinal);
            Assert.That(SnapshotFileLinks.CanLink(temp.Path, onTmpfs), Is.EqualTo(sameDevice));
            Assert.That(Directory.GetFiles(temp.Path, ".link-probe*"), Is.Empty, "the probe cleans up after itself");
        }
        finally
        {
            Directory.Delete(onTmpfs, recursive: true);
        }
    }

    // The mount point a path lives under, from /proc/self/mounts (longest matching prefix).
    private static string RootMount(string path)
    {
        var full = Path.GetFullPath(path);
        var best = "/";
        foreach (var line in File.ReadLines("/proc/self/mounts"))
        {
            var mount = line.Split(' ')[1];
            if ((full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal)) && mount.Length > best.Length)
            {
                best = mount;
            }
        }

        return best;
    }

    [Test]
    public void InstallInterruptedAfterTheFirstColumnFamily_NextStartFinishesIt_StateIsTheSnapshots()
    {
        // Arrange
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        var targetPath = Path.Combine(temp.Path, "target");
        var staging = new SnapshotStaging(Path.Combine(temp.Path, "staging"));
        var ready = Transfer(manifest, Path.Combine(temp.Path, "export"), staging);
        using (var target = TestChain.OpenDatabase(targetPath))
        {
            BuildState(target, 5, seed: 2);
            RecordRaftSnapshot(target, manifest);

            // Act: the process dies right after the blocks family was swapped.
            Assert.Throws<SimulatedCrashException>(() => StateSnapshotInstaller.Install(target, ready, manifest, family =>
            {
                if (family == ColumnFamilyNames.Blocks)
                {
                    throw new SimulatedCrashException();
                }
            }));
        }

        using var reopened = TestChain.OpenDatabase(targetPath);
        var pendingBefore = StateSnapshotInstaller.PendingManifest(reopened);
        var installed = StateSnapshotInstaller.CompleteInterrupted(reopened, new SnapshotStaging(Path.Combine(temp.Path, "staging")));

        // Assert
        Assert.That(pendingBefore, Is.EqualTo(manifest), "the raft record marks the install as unfinished");
        Assert.That(installed, Is.EqualTo(manifest));
        Assert.That(Dump(reopened), Is.EqualTo(Dump(source)));
        Assert.That(StateSnapshotInstaller.PendingManifest(reopened), Is.Null);
        Assert.That(staging.FindReady(manifest), Is.Null, "the ready copy is deleted once the state passed it");
    }

    [Test]
    public void CrashBeforeRaftRecordedTheSnapshot_LeavesTheOldStateUntouched()
    {
        // Arrange: the snapshot is fully staged and verified, but Raft never persisted it.
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        var targetPath = Path.Combine(temp.Path, "target");
        Transfer(manifest, Path.Combine(temp.Path, "export"), new SnapshotStaging(Path.Combine(temp.Path, "staging")));
        List<string> before;
        using (var target = TestChain.OpenDatabase(targetPath))
        {
            BuildState(target, 5, seed: 2);
            before = Dump(target);
        }

        // Act
        using var reopened = TestChain.OpenDatabase(targetPath);
        var installed = StateSnapshotInstaller.CompleteInterrupted(reopened, new SnapshotStaging(Path.Combine(temp.Path, "staging")));

        // Assert
        Assert.That(installed, Is.Null);
        Assert.That(Dump(reopened), Is.EqualTo(before));
    }

    [Test]
    public void RaftRecordedASnapshotWithoutAStagedCopy_StartIsRefusedAsCorruption()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        using var target = TestChain.OpenDatabase(Path.Combine(temp.Path, "target"));
        RecordRaftSnapshot(target, manifest);

        Assert.Throws<Errors.StorageCorruptionException>(() => StateSnapshotInstaller.CompleteInterrupted(target, new SnapshotStaging(Path.Combine(temp.Path, "staging"))));
    }

    [Test]
    public void Staging_InterruptedTransfer_ResumesAtTheStagedOffset_EvenAfterARestart()
    {
        // Arrange
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var export = Path.Combine(temp.Path, "export");
        var manifest = StateSnapshotExporter.Export(source, export);
        var stream = ReadStream(manifest, export);
        var half = (ulong)stream.Length / 2;
        var first = new SnapshotStaging(Path.Combine(temp.Path, "staging"));
        Assert.That(first.Begin(manifest), Is.EqualTo(0UL));
        first.Write(0, stream.AsSpan(0, (int)half));

        // Act: a new instance (process restart) is offered the same snapshot.
        var resumed = new SnapshotStaging(Path.Combine(temp.Path, "staging"));
        var offset = resumed.Begin(manifest);
        var mismatch = Assert.Throws<SnapshotOffsetMismatchException>(() => resumed.Write(0, stream.AsSpan(0, 10)));
        resumed.Write(offset, stream.AsSpan((int)offset));
        var ready = resumed.Complete();

        // Assert
        Assert.That(offset, Is.EqualTo(half));
        Assert.That(mismatch!.ExpectedOffset, Is.EqualTo(half));
        Assert.That(resumed.FindReady(manifest), Is.EqualTo(ready));
        Assert.That(resumed.Begin(manifest), Is.EqualTo((ulong)stream.Length), "a verified snapshot reports itself complete");
    }

    [Test]
    public void Staging_OneFlippedByte_FailsVerification_AndTheNextAttemptStartsFromZero()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, SourceBlocks, seed: 1);
        var export = Path.Combine(temp.Path, "export");
        var manifest = StateSnapshotExporter.Export(source, export);
        var stream = ReadStream(manifest, export);
        stream[stream.Length / 3] ^= 0x01;
        var staging = new SnapshotStaging(Path.Combine(temp.Path, "staging"));
        staging.Begin(manifest);
        staging.Write(0, stream);

        Assert.Throws<SnapshotRejectedException>(() => staging.Complete());
        Assert.That(staging.FindReady(manifest), Is.Null);
        Assert.That(staging.Begin(manifest), Is.EqualTo(0UL));
    }

    [Test]
    public void Manifest_OfAnotherChain_IsRejected()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, 3, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));

        var rejected = Assert.Throws<SnapshotRejectedException>(() => SnapshotManifests.Validate(manifest, "another-chain"));

        Assert.That(rejected!.Message, Does.Contain("another-chain"));
    }

    [Test]
    public void Manifest_CarriesTheSendersStorageFormat_ANewerFormatIsRefused_AnOlderOrUnstatedOneIsAccepted()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, 3, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        Assert.That(manifest.StorageFormatVersion, Is.EqualTo(LedgerDatabase.FormatVersion));

        manifest.StorageFormatVersion = LedgerDatabase.FormatVersion + 1;
        var rejected = Assert.Throws<SnapshotRejectedException>(() => SnapshotManifests.Validate(manifest, manifest.ChainId));
        Assert.That(rejected!.Message, Does.Contain($"storage format {LedgerDatabase.FormatVersion + 1}").And.Contain("upgrade this node first"));

        // A sender from before the field (0) holds a state every later build reads.
        manifest.StorageFormatVersion = 0;
        Assert.DoesNotThrow(() => SnapshotManifests.Validate(manifest, manifest.ChainId));
        manifest.StorageFormatVersion = LedgerDatabase.FormatVersion - 1;
        Assert.DoesNotThrow(() => SnapshotManifests.Validate(manifest, manifest.ChainId));
    }

    [Test]
    public void Validate_FileSizesWhoseSumWouldOverflow_AreRejectedAsTooLarge_NotAnOverflow()
    {
        // A peer's manifest once reached TotalBytes unchecked: two files of 2^63 bytes made the sum throw
        // OverflowException out of the receiver instead of a refusal.
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, 3, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        Assert.That(manifest.Files, Has.Count.GreaterThanOrEqualTo(2));
        manifest.Files[0].SizeBytes = 1UL << 63;
        manifest.Files[1].SizeBytes = 1UL << 63;

        var rejected = Assert.Throws<SnapshotRejectedException>(() => SnapshotManifests.Validate(manifest, manifest.ChainId));

        Assert.That(rejected!.Message, Does.Contain("more than the " + SnapshotManifests.FileBytesMax.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Validate_FileOfExactlyTheBound_IsAccepted_AndTheTotalOfEveryFileAtTheBoundFitsIn64Bits()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        BuildState(source, 3, seed: 1);
        var manifest = StateSnapshotExporter.Export(source, Path.Combine(temp.Path, "export"));
        foreach (var file in manifest.Files)
        {
            file.SizeBytes = SnapshotManifests.FileBytesMax;
        }

        SnapshotManifests.Validate(manifest, manifest.ChainId);

        Assert.That(SnapshotManifests.TotalBytes(manifest), Is.EqualTo(SnapshotManifests.FileBytesMax * (ulong)manifest.Files.Count));
        Assert.That((ulong)SnapshotManifests.FilesMax, Is.LessThanOrEqualTo(ulong.MaxValue / SnapshotManifests.FileBytesMax));
    }

    /// <summary>Blocks 1..n (raft index = height, term 1, all in the raft log) and one registry key per block.</summary>
    internal static void BuildState(LedgerDatabase database, int blockCount, int seed)
    {
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([1, 2, 3], []));
        var blocks = new BlockStore(database, TestChain.Hashing);
        var registry = new RocksDbRegistryState(database);
        var entries = new List<Entry>();
        for (var i = 0; i < blockCount; i++)
        {
            var block = TestChain.Next(blocks, (i % 5) + 1, seed);
            blocks.Append(block, block.Header.RaftIndex);
            entries.Add(new Entry(1, block.Header.RaftIndex, EntryType.Normal, new byte[] { (byte)i }));
            registry.Apply([new StateWrite(RegistryKey(i, seed), RegistryValue(i, seed))]);
        }

        raftLog.Persist(null, entries, new HardState(1, 1, (ulong)blockCount), sync: false);
    }

    private static StateKey RegistryKey(int i, int seed) => new([(byte)seed, (byte)i]);

    private static byte[] RegistryValue(int i, int seed) => [(byte)(i * 3), (byte)seed, 0xAB];

    private static void RecordRaftSnapshot(LedgerDatabase database, SnapshotManifest manifest)
    {
        var raftLog = new RocksDbRaftLogStorage(database, new ConfState([1, 2, 3], []));
        var metadata = new SnapshotMetadata(manifest.Meta.Index, manifest.Meta.Term, new ConfState([.. manifest.Meta.Voters], []));
        raftLog.Persist(new Snapshot(metadata, manifest.ToByteArray()), [], null, sync: true);
    }

    /// <summary>Moves the exported files through staging in <see cref="ChunkBytes"/> chunks, as the receiver does.</summary>
    internal static string Transfer(SnapshotManifest manifest, string exportDirectory, SnapshotStaging staging)
    {
        var stream = ReadStream(manifest, exportDirectory);
        var offset = staging.Begin(manifest);
        while (offset < (ulong)stream.Length)
        {
            var count = (int)Math.Min(ChunkBytes, (ulong)stream.Length - offset);
            staging.Write(offset, stream.AsSpan((int)offset, count));
            offset += (ulong)count;
        }

        return staging.Complete();
    }

    private static byte[] ReadStream(SnapshotManifest manifest, string directory)
    {
        using var all = new MemoryStream();
        foreach (var file in manifest.Files)
        {
            all.Write(File.ReadAllBytes(Path.Combine(directory, SnapshotColumnFamilies.FileName(file.ColumnFamily))));
        }

        return all.ToArray();
    }

    /// <summary>Every key and value of the state column families, in order.</summary>
    private static List<string> Dump(LedgerDatabase database)
    {
        var lines = new List<string>();
        foreach (var family in SnapshotColumnFamilies.InstallOrder)
        {
            using var iterator = database.NewIterator(database.Rocks.GetColumnFamily(family));
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                lines.Add($"{family} {Convert.ToHexString(iterator.Key())} {Convert.ToHexString(iterator.Value())}");
            }
        }

        return lines;
    }

    private sealed class SimulatedCrashException : Exception;
}
