using System.Buffers.Binary;
using System.Numerics;
using Ledger.Core.Hashing;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage.Errors;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Registry;

/// <summary>
/// The on-disk similarity tables (<c>similarity_index</c> column family) kept by the background
/// <see cref="SimilarityIndexer"/>: exact answers against a brute-force Hamming scan (from the
/// tables, from the unindexed tail, and from both), WAL-less index writes that a crash loses and
/// the index redoes, rebuilds in the background (resumable, prompt to stop, never blocking the
/// apply path), UNAVAILABLE with progress past the tail bound, checks on read, and a managed heap
/// that does not grow with the images.
/// </summary>
public sealed class RocksDbSimilarityIndexTests
{
    private static readonly RegistryOptions Options = new(Sha256HashAlgorithm.Instance);
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-similar-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [TestCase(1, 3)]
    [TestCase(2, 4)]
    [TestCase(3, 3)]
    [TestCase(4, 4)]
    [TestCase(5, 5)]
    [TestCase(6, 8)]
    [TestCase(7, 6)]
    [TestCase(8, 7)]
    public void FindSimilarWorks_TablesAndTail_EqualABruteForceScan_AtEveryDistanceAndLimit(int seed, int substringCount)
    {
        var options = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: substringCount);
        using var database = Open();
        var held = false;
        using var rocks = Started(database, options, new SimilarityIndexLimits { WritesHeld = () => Volatile.Read(ref held) });
        var random = new Random(seed);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        for (ulong height = 1; height <= 4; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 300, random, images));
        }

        WaitIndexed(rocks, 4);
        Volatile.Write(ref held, true);
        for (ulong height = 5; height <= 8; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 300, random, images));
        }

        var queries = new RegistryQueries(rocks, options);
        var matched = 0;
        foreach (var phase in new[] { "half in the tables, half in the tail", "all in the tables" })
        {
            if (phase == "all in the tables")
            {
                Volatile.Write(ref held, false);
                WaitIndexed(rocks, 8);
            }
            else
            {
                queries.FindSimilarWorks(0, 0, 1);
                Assert.That(rocks.SimilarityProgress!.TailImages, Is.EqualTo(1200), "blocks 5..8 are searched unindexed");
            }

            for (var q = 0; q < 25; q++)
            {
                var query = Flip(images[random.Next(images.Count)].Hash, random.Next(0, 5), random);
                for (var k = 0; k <= RegistryLimits.PerceptualHashDistanceMax; k++)
                {
                    foreach (var limit in new[] { 1, 3, RegistryLimits.SimilarWorksResultsMax })
                    {
                        var expected = BruteForce(images, query, k, limit);
                        Assert.That(Render(queries.FindSimilarWorks(query, k, limit)), Is.EqualTo(expected), $"{phase}: query {query:X16} k={k} limit={limit} m={substringCount}");
                        matched += expected.Count - 1;
                    }
                }
            }
        }

        Assert.That(matched, Is.GreaterThan(1000), "the data must produce matches (and ties), or the comparison proves nothing");
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(images.Count), "one table-0 entry per image");
    }

    [Test]
    public void FindSimilarWorks_DoesNotSeeAStagedBlockUntilItIsWritten_AndSeesItAtOnceAfter()
    {
        using var database = Open();
        using var rocks = Started(database, limits: new SimilarityIndexLimits { PollMilliseconds = 60_000 });
        var queries = new RegistryQueries(rocks, Options);
        var random = new Random(5);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        rocks.Apply(BlockWrites(1, 10, random, images));
        Assert.That(queries.FindSimilarWorks(images[0].Hash, 0, 10).Matches, Has.Count.GreaterThanOrEqualTo(1));

        var writes = BlockWrites(2, 1, random, images);
        using var batch = new WriteBatch();
        rocks.Stage(batch, writes);
        Assert.That(queries.FindSimilarWorks(images[^1].Hash, 0, 10).Matches.Select(m => m.WorkId), Has.None.EqualTo(images[^1].WorkId), "staged, not written");

        // No notification and a poll a minute away: the query itself loads the written block into the tail.
        database.Write(batch, sync: false);
        Assert.That(queries.FindSimilarWorks(images[^1].Hash, 0, 10).Matches.Select(m => m.WorkId), Has.Some.EqualTo(images[^1].WorkId), "written");
    }

    [Test]
    public void Stage_WithTheIndexStarted_PutsOnlyOnePendingRecordPerBlockIntoTheBlocksBatch()
    {
        using var database = Open();
        var held = true;
        using var rocks = Started(database, limits: new SimilarityIndexLimits { WritesHeld = () => Volatile.Read(ref held) });
        var random = new Random(6);
        WriteBlock(database, rocks, BlockWrites(1, 500, random, null));
        WriteBlock(database, rocks, BlockWrites(2, 0, random, null));

        Assert.That(CountKeys(database, table: 0), Is.Zero, "the apply path writes no table entry");
        Assert.That(CountKeys(database, table: SimilarityIndexKeys.PendingPrefix), Is.EqualTo(2), "one record per block, one with no image too");
        Volatile.Write(ref held, false);
        WaitIndexed(rocks, 2);
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(500));
        Assert.That(CountKeys(database, table: SimilarityIndexKeys.PendingPrefix), Is.Zero, "deleted in the batch that indexed them");
    }

    [Test]
    public void Indexer_CrashLosesItsUnloggedWrites_ReopenReindexesFromTheStatus_WithoutDuplicates()
    {
        var random = new Random(11);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        var probes = new List<ulong>();
        var crashed = Path.Combine(directory, "crashed");
        List<List<string>> before;
        using (var database = Open(Path.Combine(directory, "live")))
        {
            using var rocks = Started(database);
            for (ulong height = 1; height <= 5; height++)
            {
                WriteBlock(database, rocks, BlockWrites(height, 200, random, images));
            }

            WaitIndexed(rocks, 5);
            probes.AddRange(images.Select(image => image.Hash ^ 0b11));
            before = Answers(rocks, probes);

            // Block 6 is staged but the process dies before the write. The crash: the files as they are on disk
            // now (the WAL holds the blocks and their pending records; the index's WAL-less batches sit in a memtable).
            using var lost = new WriteBatch();
            rocks.Stage(lost, BlockWrites(6, 200, random, []));
            CopyDirectory(Path.Combine(directory, "live"), crashed);
        }

        using var reopened = Open(crashed);
        Assert.That(CountKeys(reopened, table: 0), Is.Zero, "the index's unlogged writes were lost with the crash");
        Assert.That(CountKeys(reopened, table: SimilarityIndexKeys.PendingPrefix), Is.EqualTo(5), "the logged pending records came back");
        Assert.That(StoredStatus(reopened)!.Height, Is.Zero, "the status is back to before any index write");

        using var again = Started(reopened);
        WaitIndexed(again, 5);

        Assert.That(again.SimilarityProgress!.RebuiltImages, Is.Zero, "re-indexed from the pending records, not rebuilt from the state");
        Assert.That(Answers(again, probes), Is.EqualTo(before));
        Assert.That(CountKeys(reopened, table: 0), Is.EqualTo(images.Count), "each image once");
    }

    [Test]
    public void StartSimilarityIndex_DirectoryWithoutTheIndex_RebuildsInTheBackground_AnswersUnavailableMeanwhile_ThenExactly()
    {
        var random = new Random(21);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        for (ulong height = 1; height <= 4; height++)
        {
            // An older directory: the state's entries, nothing in the similarity column family.
            WriteStateOnly(database, BlockWrites(height, 250, random, images));
        }

        using var inRebuild = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var rocks = Started(database, limits: new SimilarityIndexLimits
        {
            RebuildImagesPerBatch = 100,
            AfterRebuildBatch = stop =>
            {
                inRebuild.Set();
                WaitHandle.WaitAny([release.WaitHandle, stop.WaitHandle]);
            },
        });
        Assert.That(inRebuild.Wait(TimeSpan.FromMinutes(2)), Is.True);

        var unavailable = Assert.Throws<SimilarityIndexUnavailableException>(() => new RegistryQueries(rocks, Options).FindSimilarWorks(images[0].Hash, 0, 10));
        Assert.That(unavailable!.Message, Does.StartWith("similarity index at height 4 of 4: rebuilding from the state"));

        // The apply path never waits for the rebuild: blocks are staged and written while it is held.
        for (ulong height = 5; height <= 7; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 100, random, images));
        }

        release.Set();
        WaitIndexed(rocks, 7);
        AssertEqualsBruteForce(rocks, images, random);
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(images.Count), "each image once: the blocks applied during the rebuild come from their pending records only");
    }

    [Test]
    public void StartSimilarityIndex_DirectoryIndexedWithFourSubstrings_RebuildsToTheDefaultThree_AnswersUnavailableMeanwhile_ThenExactly()
    {
        var four = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: 4);
        Assert.That(Options.Similarity.Layout.SubstringCount, Is.EqualTo(3), "the default this test moves to");
        var random = new Random(23);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        using (var old = Started(database, four))
        {
            // A directory a build with m = 4 indexed: four tables and their status.
            for (ulong height = 1; height <= 4; height++)
            {
                WriteBlock(database, old, BlockWrites(height, 250, random, images));
            }

            WaitIndexed(old, 4);
        }

        Assert.That(StoredStatus(database)!.SubstringCount, Is.EqualTo(4));
        Assert.That(CountKeys(database, table: 3), Is.EqualTo(images.Count));

        using var inRebuild = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var rocks = Started(database, limits: new SimilarityIndexLimits
        {
            RebuildImagesPerBatch = 100,
            AfterRebuildBatch = stop =>
            {
                inRebuild.Set();
                WaitHandle.WaitAny([release.WaitHandle, stop.WaitHandle]);
            },
        });
        Assert.That(inRebuild.Wait(TimeSpan.FromMinutes(2)), Is.True);

        var unavailable = Assert.Throws<SimilarityIndexUnavailableException>(() => new RegistryQueries(rocks, Options).FindSimilarWorks(images[0].Hash, 4, 10));
        Assert.That(unavailable!.Message, Does.StartWith("similarity index at height 4 of 4: rebuilding from the state, 100 images indexed so far"));
        Assert.That(() => new RegistryQueries(rocks, four).FindSimilarWorks(images[0].Hash, 4, 10), Throws.ArgumentException, "a query under the old layout is refused, never answered from the wrong tables");

        // Blocks applied during the rebuild are indexed after it, under the new layout.
        for (ulong height = 5; height <= 6; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 100, random, images));
        }

        release.Set();
        WaitIndexed(rocks, 6);
        Assert.That(StoredStatus(database)!.SubstringCount, Is.EqualTo(3));
        for (var table = 0; table < 3; table++)
        {
            Assert.That(CountKeys(database, table), Is.EqualTo(images.Count), $"table {table}: each image once");
        }

        Assert.That(CountKeys(database, table: 3), Is.Zero, "the fourth table of the old layout is gone");
        AssertEqualsBruteForce(rocks, images, random);
        var probes = Enumerable.Range(0, 40).Select(_ => Flip(images[random.Next(images.Count)].Hash, random.Next(0, 5), random)).ToList();
        var queries = new RegistryQueries(rocks, Options);
        foreach (var probe in probes)
        {
            Assert.That(Render(queries.FindSimilarWorks(probe, 4, 50)), Is.EqualTo(BruteForce(images, probe, 4, 50)), $"query {probe:X16} at the scale probe's distance");
        }
    }

    [Test]
    public void Dispose_DuringARebuild_StopsBetweenBatches_AndTheNextStartResumesWithoutDuplicates()
    {
        var random = new Random(31);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        for (ulong height = 1; height <= 4; height++)
        {
            WriteStateOnly(database, BlockWrites(height, 250, random, images));
        }

        var batches = 0;
        using var thirdBatch = new ManualResetEventSlim();
        var stopping = Started(database, limits: new SimilarityIndexLimits
        {
            RebuildImagesPerBatch = 50,
            AfterRebuildBatch = stop =>
            {
                if (Interlocked.Increment(ref batches) == 3)
                {
                    // Hold the rebuild here until the stop is asked for, so exactly three batches are written.
                    thirdBatch.Set();
                    stop.WaitHandle.WaitOne();
                }
            },
        });
        Assert.That(thirdBatch.Wait(TimeSpan.FromMinutes(2)), Is.True);

        stopping.Dispose();

        var status = StoredStatus(database)!;
        Assert.That(status.Rebuilding, Is.True, "stopped in the middle: 1000 images take 20 batches");
        Assert.That(status.Cursor, Is.Not.Empty);
        var indexed = CountKeys(database, table: 0);
        Assert.That(indexed, Is.EqualTo(150));

        // Blocks applied while the index was stopped do not reach it (no pending record is written): the rebuild at the next start covers them.
        using var resumed = Started(database);
        WaitIndexed(resumed, 4);
        Assert.That(resumed.SimilarityProgress!.RebuiltImages, Is.EqualTo(images.Count - indexed), "the batches written before the stop are not indexed again");
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(images.Count));
        AssertEqualsBruteForce(resumed, images, random);
    }

    [Test]
    public void InvalidateSimilarityIndex_StateReplacedBySnapshotInstall_RebuildsForTheNewState()
    {
        var random = new Random(41);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        using var rocks = Started(database);
        WriteBlock(database, rocks, BlockWrites(1, 200, random, images));
        WaitIndexed(rocks, 1);

        // A snapshot install replaces the state column family: here, more images and a later height, written past the index.
        WriteStateOnly(database, BlockWrites(9, 200, random, images));
        rocks.InvalidateSimilarityIndex();
        WriteBlock(database, rocks, BlockWrites(10, 50, random, images));

        WaitIndexed(rocks, 10);
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(images.Count));
        AssertEqualsBruteForce(rocks, images, random);
    }

    [Test]
    public void StartSimilarityIndex_StateReplacedWhileStopped_SeesTheGapInPendingHeights_AndRebuilds()
    {
        var random = new Random(43);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        using (var rocks = Started(database))
        {
            WriteBlock(database, rocks, BlockWrites(1, 100, random, images));
            WaitIndexed(rocks, 1);
        }

        // An install a crash cut short, finished at the next start before the index runs: the state jumps to height 7.
        WriteStateOnly(database, BlockWrites(7, 100, random, images));

        using var restarted = Started(database);
        WaitIndexed(restarted, 7);
        Assert.That(restarted.SimilarityProgress!.RebuiltImages, Is.EqualTo(images.Count));
        AssertEqualsBruteForce(restarted, images, random);
    }

    [Test]
    public void FindSimilarWorks_LagBeyondTheTailBound_IsUnavailableWithProgress_ThenAnswersOnceCaughtUp()
    {
        using var database = Open();
        var held = true;
        using var rocks = Started(database, limits: new SimilarityIndexLimits { WriteImagesMax = 100, TailImagesMax = 100, WritesHeld = () => Volatile.Read(ref held) });
        var random = new Random(45);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        for (ulong height = 1; height <= 3; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 60, random, images));
        }

        var queries = new RegistryQueries(rocks, Options);
        var unavailable = Assert.Throws<SimilarityIndexUnavailableException>(() => queries.FindSimilarWorks(images[0].Hash, 0, 10));
        Assert.That(unavailable!.Message, Is.EqualTo("similarity index at height 1 of 3: 60 images wait to be indexed (at most 100 are searched unindexed)"));

        Volatile.Write(ref held, false);
        WaitIndexed(rocks, 3);
        AssertEqualsBruteForce(rocks, images, random);
    }

    [Test]
    public void FindSimilarWorks_MalformedIndexKey_IsReportedAsStorageCorruption()
    {
        using var database = Open();
        using var rocks = Started(database);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        WriteBlock(database, rocks, BlockWrites(1, 20, new Random(1), images));
        WaitIndexed(rocks, 1);
        var query = images[0].Hash;
        var malformed = new byte[SimilarityIndexKeys.EntryKeyBytes - 2];
        BinaryPrimitives.WriteUInt64BigEndian(malformed.AsSpan(1), query);
        using (var batch = new WriteBatch())
        {
            batch.Put(malformed, Array.Empty<byte>(), database.SimilarityIndex);
            database.Write(batch, sync: false);
        }

        var thrown = Assert.Throws<StorageCorruptionException>(() => new RegistryQueries(rocks, Options).FindSimilarWorks(query, 0, 10));
        Assert.That(thrown!.Message, Does.Contain("malformed similarity index key"));
    }

    [Test]
    public void Indexer_MalformedPendingRecord_StopsTheIndex_AndQueriesSayWhy()
    {
        using var database = Open();
        using var rocks = Started(database);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using (var batch = new WriteBatch())
        {
            rocks.Stage(batch, BlockWrites(1, 0, new Random(3), images));
            // Overwrites the record Stage put: nine singles announced, none there.
            batch.Put(SimilarityIndexKeys.Pending(1), new byte[] { 0x01, 0x00, 0x00, 0x00, 0x09 }, database.SimilarityIndex);
            database.Write(batch, sync: false);
        }

        rocks.NotifyWritten();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (rocks.SimilarityProgress!.Failure is null && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }

        var thrown = Assert.Throws<SimilarityIndexUnavailableException>(() => new RegistryQueries(rocks, Options).FindSimilarWorks(1, 0, 10));
        Assert.That(thrown!.Message, Does.StartWith("similarity index stopped at height 0 of 1:").And.Contain("pending record of height 1").And.Contain("is malformed"));
    }

    [Test]
    public void FindSimilarWorks_EntriesNamingNoRegisteredWork_AreNotReturned()
    {
        using var database = Open();
        using var rocks = Started(database);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        WriteBlock(database, rocks, BlockWrites(1, 20, new Random(2), images));
        WaitIndexed(rocks, 1);
        var query = images[0].Hash;
        var layout = Options.Similarity.Layout;
        using (var batch = new WriteBatch())
        {
            // Ordinals 1000..1007 name items of a transaction that registered nothing; ordinal 5000 lies past every source's span.
            batch.Put(SimilarityIndexKeys.Source(1000), SimilarityIndexKeys.SourceValue(new byte[32], 8), database.SimilarityIndex);
            for (var j = 0; j < layout.SubstringCount; j++)
            {
                var rotated = BitOperations.RotateLeft(query, layout.OffsetBits(j));
                batch.Put(SimilarityIndexKeys.Entry(j, rotated, 1007), Array.Empty<byte>(), database.SimilarityIndex);
                batch.Put(SimilarityIndexKeys.Entry(j, rotated, 5000), Array.Empty<byte>(), database.SimilarityIndex);
            }

            database.Write(batch, sync: false);
        }

        var found = new RegistryQueries(rocks, Options).FindSimilarWorks(query, 0, 10).Matches;

        Assert.That(found.Select(m => Convert.ToHexString(m.WorkId)), Is.EqualTo(images.Where(i => i.Hash == query).Select(i => Convert.ToHexString(i.WorkId)).Order()));
    }

    [Test]
    public void Indexer_TenTimesTheImages_DoesNotGrowTheManagedHeap()
    {
        using var database = Open();
        using var rocks = Started(database);
        var random = new Random(51);
        var queries = new RegistryQueries(rocks, Options);
        ulong height = 0;
        WriteImages(database, rocks, ref height, 100_000, random);
        WaitIndexed(rocks, height);
        queries.FindSimilarWorks((ulong)random.NextInt64(), 8, 10);
        var afterHundredThousand = GC.GetTotalMemory(forceFullCollection: true);

        WriteImages(database, rocks, ref height, 900_000, random);
        WaitIndexed(rocks, height);
        queries.FindSimilarWorks((ulong)random.NextInt64(), 8, 10);
        var afterMillion = GC.GetTotalMemory(forceFullCollection: true);

        // The in-memory tables this replaces held ~72 bytes per image: ~65 MB for these 900,000.
        Assert.That(afterMillion - afterHundredThousand, Is.LessThan(4L * 1024 * 1024), $"managed heap {afterHundredThousand} -> {afterMillion} bytes");
    }

    private LedgerDatabase Open() => Open(directory);

    private static LedgerDatabase Open(string path) => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = "c" });

    private static void WriteImages(LedgerDatabase database, RocksDbRegistryState rocks, ref ulong height, int count, Random random)
    {
        for (var written = 0; written < count; written += 10_000)
        {
            WriteBlock(database, rocks, BlockWrites(++height, 10_000, random, null));
        }
    }

    private static void WriteBlock(LedgerDatabase database, RocksDbRegistryState rocks, List<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        rocks.Stage(batch, writes);
        database.Write(batch, sync: false);
        rocks.NotifyWritten();
    }

    private static RocksDbRegistryState Started(LedgerDatabase database, RegistryOptions? options = null, SimilarityIndexLimits? limits = null)
    {
        var rocks = new RocksDbRegistryState(database);
        rocks.StartSimilarityIndex((options ?? Options).Similarity.Layout, limits ?? new SimilarityIndexLimits());
        return rocks;
    }

    // Waits (generously: the machine is loaded) until every block through height is in the tables on disk and none waits in the tail.
    private static void WaitIndexed(RocksDbRegistryState rocks, ulong height)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (rocks.SimilarityProgress is not { Rebuilding: false, TailImages: 0 } progress || progress.IndexedHeight < height)
        {
            Assert.That(rocks.SimilarityProgress!.Failure, Is.Null);
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"the similarity index did not reach height {height}: {rocks.SimilarityProgress}");
            }

            Thread.Sleep(10);
        }
    }

    private static SimilarityIndexStatus? StoredStatus(LedgerDatabase database) =>
        SimilarityIndexStatus.TryDecode(database.Get(database.SimilarityIndex, SimilarityIndexKeys.Status));

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    // Registry state only, bypassing the index: a directory from before the index, or state replaced underneath it.
    private static void WriteStateOnly(LedgerDatabase database, List<StateWrite> writes)
    {
        using var batch = new WriteBatch();
        foreach (var write in writes)
        {
            batch.Put(write.Key.UnsafeBytes, write.Value!, database.RegistryState);
        }

        database.Write(batch, sync: false);
    }

    private static long CountKeys(LedgerDatabase database, int table)
    {
        using var iterator = database.NewIterator(database.SimilarityIndex);
        long count = 0;
        for (iterator.Seek([(byte)table]); iterator.Valid() && iterator.Key()[0] == table; iterator.Next())
        {
            count++;
        }

        return count;
    }

    private static List<List<string>> Answers(RocksDbRegistryState rocks, List<ulong> probes)
    {
        var queries = new RegistryQueries(rocks, Options);
        return [.. probes.Select(probe => Render(queries.FindSimilarWorks(probe, 4, 50)))];
    }

    private static void AssertEqualsBruteForce(RocksDbRegistryState rocks, List<(ulong Hash, byte[] WorkId)> images, Random random)
    {
        var queries = new RegistryQueries(rocks, Options);
        for (var q = 0; q < 30; q++)
        {
            var query = Flip(images[random.Next(images.Count)].Hash, random.Next(0, 4), random);
            var k = random.Next(0, RegistryLimits.PerceptualHashDistanceMax + 1);
            Assert.That(Render(queries.FindSimilarWorks(query, k, 100)), Is.EqualTo(BruteForce(images, query, k, 100)), $"query {query:X16} k={k}");
        }
    }

    // Nearest first, ties by work id, at most limit: the contract, by scanning every image.
    private static List<string> BruteForce(List<(ulong Hash, byte[] WorkId)> images, ulong query, int k, int limit) =>
    [
        .. images
            .Select(image => (image.WorkId, Distance: BitOperations.PopCount(image.Hash ^ query)))
            .Where(image => image.Distance <= k)
            .OrderBy(image => image.Distance).ThenBy(image => image.WorkId, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .Take(limit)
            .Select(image => $"{Convert.ToHexString(image.WorkId)}:{image.Distance}"),
        "truncated=False",
    ];

    // One block's writes as the applier emits them: index entries of new images (near-duplicates and exact repeats among them) plus the applied height, in key order.
    private static List<StateWrite> BlockWrites(ulong height, int count, Random random, List<(ulong Hash, byte[] WorkId)>? images)
    {
        var writes = new List<StateWrite>(count + 1);
        var recent = new List<ulong>();
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(4);
            var hash = recent.Count > 0 && roll == 0 ? recent[random.Next(recent.Count)]
                : images is { Count: > 0 } && roll == 1 ? Flip(images[random.Next(images.Count)].Hash, random.Next(1, 10), random)
                : (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
            recent.Add(hash);
            var workId = new byte[36];
            random.NextBytes(workId.AsSpan(0, 32));
            BinaryPrimitives.WriteUInt64BigEndian(workId, height);
            BinaryPrimitives.WriteInt32BigEndian(workId.AsSpan(32), random.Next(3) == 0 ? i : 0);
            images?.Add((hash, workId));
            writes.Add(new StateWrite(PerceptualHashIndex.EntryKey(hash, workId), []));
        }

        var encodedHeight = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(encodedHeight, height);
        writes.Add(new StateWrite(StateKeys.AppliedHeight(), encodedHeight));
        return [.. writes.OrderBy(write => write.Key)];
    }

    private static ulong Flip(ulong hash, int bits, Random random)
    {
        for (var i = 0; i < bits; i++)
        {
            hash ^= 1UL << random.Next(64);
        }

        return hash;
    }

    private static List<string> Render(SimilarWorksResult result) =>
        [.. result.Matches.Select(m => $"{Convert.ToHexString(m.WorkId)}:{m.Distance}"), $"truncated={result.Truncated}"];
}
