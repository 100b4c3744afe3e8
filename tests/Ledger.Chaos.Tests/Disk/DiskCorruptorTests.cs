using Ledger.Chaos.Disk;

namespace Ledger.Chaos.Tests.Disk;

public sealed class DiskCorruptorTests
{
    private const int FileBytes = 4096;

    private string directory = "";

    [SetUp]
    public void SetUp()
    {
        directory = Directory.CreateTempSubdirectory("ledger-chaos-corruptor-").FullName;
        var content = new Random(7);
        foreach (var name in new[] { "000010.sst", "000011.sst", "000012.blob", "000003.log", "000014.log", "MANIFEST-000002", "CURRENT", "OPTIONS-000004", "LOG" })
        {
            var bytes = new byte[FileBytes];
            content.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }

    [TearDown]
    public void TearDown() => Directory.Delete(directory, recursive: true);

    [Test]
    public void FlipAt_GivenOffset_ChangesExactlyThatByteAsRecorded()
    {
        // Arrange
        var file = RocksDbFiles.Enumerate(directory).Single(f => f.RelativePath == "000010.sst");
        var before = File.ReadAllBytes(Path.Combine(directory, file.RelativePath));

        // Act
        var corruption = new DiskCorruptor(seed: 1).FlipAt(directory, file, offsetBytes: 2000);

        // Assert
        var after = File.ReadAllBytes(Path.Combine(directory, file.RelativePath));
        Assert.That(corruption.OffsetBytes, Is.EqualTo(2000));
        Assert.That(corruption.OldByte, Is.EqualTo(before[2000]));
        Assert.That(corruption.NewByte, Is.EqualTo(after[2000]));
        Assert.That(corruption.NewByte, Is.Not.EqualTo(corruption.OldByte));
        Assert.That(DifferingOffsets(before, after), Is.EqualTo(new[] { 2000L }));
    }

    [Test]
    public void FlipRandomByte_AnySeed_ChangesOnlyTheReportedByteOfTheReportedFile()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            // Arrange
            var before = Snapshot(directory);

            // Act
            var corruption = new DiskCorruptor(seed).FlipRandomByte(directory);

            // Assert
            var after = Snapshot(directory);
            foreach (var (name, bytes) in before)
            {
                var expected = name == corruption.RelativePath ? new[] { corruption.OffsetBytes } : [];
                Assert.That(DifferingOffsets(bytes, after[name]), Is.EqualTo(expected), $"seed {seed}: {name}");
            }

            Assert.That(after[corruption.RelativePath][corruption.OffsetBytes], Is.EqualTo(corruption.NewByte));
            Assert.That(before[corruption.RelativePath][corruption.OffsetBytes], Is.EqualTo(corruption.OldByte));
            Assert.That(corruption.Kind, Is.AnyOf(RocksDbFileKind.Sst, RocksDbFileKind.Blob, RocksDbFileKind.Wal, RocksDbFileKind.Manifest));
        }
    }

    [Test]
    public void FlipRandomBit_Always_FlipsExactlyOneBit()
    {
        var corruption = new DiskCorruptor(seed: 3).FlipRandomBit(directory);

        Assert.That(System.Numerics.BitOperations.PopCount((uint)(corruption.OldByte ^ corruption.NewByte)), Is.EqualTo(1));
    }

    [Test]
    public void FlipRandomByte_SameSeedOnTwoCopies_MakesTheSameChange()
    {
        // Arrange
        var copy = directory + "-copy";
        DataDirectoryCopy.Take(directory, copy);
        try
        {
            // Act
            var corruptor = new DiskCorruptor(seed: 42);
            var again = new DiskCorruptor(seed: 42);
            var original = Enumerable.Range(0, 10).Select(_ => corruptor.FlipRandomByte(directory)).ToList();
            var replayed = Enumerable.Range(0, 10).Select(_ => again.FlipRandomByte(copy)).ToList();

            // Assert
            Assert.That(replayed, Is.EqualTo(original));
            Assert.That(Snapshot(copy), Is.EqualTo(Snapshot(directory)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void Replay_RecordedFaultsOnACopy_MakesTheCopyIdentical()
    {
        // Arrange
        var copy = directory + "-copy";
        DataDirectoryCopy.Take(directory, copy);
        try
        {
            var corruptor = new DiskCorruptor(seed: 9);
            var faults = new List<DiskCorruption>
            {
                corruptor.FlipRandomByte(directory),
                corruptor.FlipMiddle(directory, RocksDbFiles.Enumerate(directory).First(f => f.Kind == RocksDbFileKind.Manifest)),
                DiskCorruptor.TruncateNewestWal(directory, 300),
            };

            // Act
            foreach (var fault in faults)
            {
                DiskCorruptor.Replay(copy, fault);
            }

            // Assert
            Assert.That(Snapshot(copy), Is.EqualTo(Snapshot(directory)));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Test]
    public void Replay_OnADirectoryThatDiffersAtTheOffset_Throws()
    {
        var corruption = new DiskCorruptor(seed: 5).FlipRandomByte(directory);

        Assert.That(() => DiskCorruptor.Replay(directory, corruption), Throws.InvalidOperationException);
    }

    [Test]
    public void TruncateNewestWal_Bytes_CutsExactlyThatManyFromTheHighestNumberedWal()
    {
        // Act
        var corruption = DiskCorruptor.TruncateNewestWal(directory, 300);

        // Assert
        Assert.That(corruption.RelativePath, Is.EqualTo("000014.log"));
        Assert.That(corruption.TruncatedBytes, Is.EqualTo(300));
        Assert.That(new FileInfo(Path.Combine(directory, "000014.log")).Length, Is.EqualTo(FileBytes - 300));
        Assert.That(new FileInfo(Path.Combine(directory, "000003.log")).Length, Is.EqualTo(FileBytes));
    }

    [Test]
    public void FlipMiddle_File_FlipsTheMiddleByte()
    {
        var file = RocksDbFiles.Enumerate(directory).Single(f => f.Kind == RocksDbFileKind.Current);

        var corruption = new DiskCorruptor(seed: 2).FlipMiddle(directory, file);

        Assert.That(corruption.OffsetBytes, Is.EqualTo(FileBytes / 2));
    }

    [Test]
    public void FlipRandomByte_NoFileOfAWeightedKind_Throws()
    {
        var weights = new Dictionary<RocksDbFileKind, int> { [RocksDbFileKind.Sst] = 1 };
        var empty = Directory.CreateTempSubdirectory("ledger-chaos-empty-").FullName;
        try
        {
            Assert.That(() => new DiskCorruptor(seed: 1).FlipRandomByte(empty, weights), Throws.InvalidOperationException);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Test]
    public void Restore_OlderCopy_ReplacesTheDirectoryWithIt()
    {
        // Arrange
        var older = directory + "-older";
        DataDirectoryCopy.Take(directory, older);
        try
        {
            var before = Snapshot(directory);
            new DiskCorruptor(seed: 11).FlipRandomByte(directory);
            File.WriteAllBytes(Path.Combine(directory, "000099.sst"), [1, 2, 3]);

            // Act
            var corruption = DataDirectoryCopy.Restore(directory, older);

            // Assert
            Assert.That(corruption.Action, Is.EqualTo(DiskFaultAction.ReplaceWithOlderCopy));
            Assert.That(Snapshot(directory), Is.EqualTo(before));
        }
        finally
        {
            Directory.Delete(older, recursive: true);
        }
    }

    private static Dictionary<string, byte[]> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToDictionary(p => Path.GetRelativePath(root, p), File.ReadAllBytes);

    private static List<long> DifferingOffsets(byte[] before, byte[] after)
    {
        Assert.That(after, Has.Length.EqualTo(before.Length));
        return Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Select(i => (long)i).ToList();
    }
}
