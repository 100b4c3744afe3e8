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
/// The on-disk similarity tables (<c>similarity_index</c> column family): exact answers against a
/// brute-force Hamming scan, written with the state, backfilled once for a directory without them
/// (resumable), checked on read, and memory that does not grow with the images.
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
    [TestCase(3, 4)]
    [TestCase(4, 4)]
    [TestCase(5, 5)]
    [TestCase(6, 8)]
    public void FindSimilarWorks_OnDiskTables_EqualABruteForceScan_AtEveryDistanceAndLimit(int seed, int substringCount)
    {
        var options = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: substringCount);
        using var database = Open();
        var rocks = new RocksDbRegistryState(database, options.Similarity.Layout);
        var random = new Random(seed);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        for (ulong height = 1; height <= 8; height++)
        {
            WriteBlock(database, rocks, BlockWrites(height, 300, random, images));
        }

        var queries = new RegistryQueries(rocks, options);
        var matched = 0;
        for (var q = 0; q < 40; q++)
        {
            var query = Flip(images[random.Next(images.Count)].Hash, random.Next(0, 5), random);
            for (var k = 0; k <= RegistryLimits.PerceptualHashDistanceMax; k++)
            {
                foreach (var limit in new[] { 1, 3, RegistryLimits.SimilarWorksResultsMax })
                {
                    var expected = BruteForce(images, query, k, limit);
                    Assert.That(Render(queries.FindSimilarWorks(query, k, limit)), Is.EqualTo(expected), $"query {query:X16} k={k} limit={limit} m={substringCount}");
                    matched += expected.Count - 1;
                }
            }
        }

        Assert.That(matched, Is.GreaterThan(1000), "the data must produce matches (and ties), or the comparison proves nothing");
    }

    [Test]
    public void FindSimilarWorks_DoesNotSeeAStagedBlockUntilItIsWritten()
    {
        using var database = Open();
        var rocks = new RocksDbRegistryState(database);
        var queries = new RegistryQueries(rocks, Options);
        var random = new Random(5);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        rocks.Apply(BlockWrites(1, 10, random, images));
        Assert.That(queries.FindSimilarWorks(images[0].Hash, 0, 10).Matches, Has.Count.GreaterThanOrEqualTo(1));

        var writes = BlockWrites(2, 1, random, images);
        using var batch = new WriteBatch();
        rocks.Stage(batch, writes);
        Assert.That(queries.FindSimilarWorks(images[^1].Hash, 0, 10).Matches.Select(m => m.WorkId), Has.None.EqualTo(images[^1].WorkId), "staged, not written");

        database.Write(batch, sync: false);
        Assert.That(queries.FindSimilarWorks(images[^1].Hash, 0, 10).Matches.Select(m => m.WorkId), Has.Some.EqualTo(images[^1].WorkId), "written");
    }

    [Test]
    public void FindSimilarWorks_AfterACrashAndReopen_AnswersAsBefore_AndTheUnwrittenBlockIsInNeitherStateNorIndex()
    {
        var random = new Random(11);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        var probes = new List<ulong>();
        List<List<string>> before;
        using (var database = Open())
        {
            var rocks = new RocksDbRegistryState(database);
            for (ulong height = 1; height <= 5; height++)
            {
                WriteBlock(database, rocks, BlockWrites(height, 200, random, images));
            }

            probes.AddRange(images.Select(image => image.Hash ^ 0b11));
            before = Answers(rocks, probes);

            // Block 6 is staged (state and index entries in one batch) but the process dies before the write.
            using var lost = new WriteBatch();
            rocks.Stage(lost, BlockWrites(6, 200, random, []));
        }

        using var reopened = Open();
        var again = new RocksDbRegistryState(reopened);

        Assert.That(again.EnsureSimilarityIndex(), Is.Zero, "the index is complete for the state: nothing to rebuild at start");
        Assert.That(Answers(again, probes), Is.EqualTo(before));
        Assert.That(Answers(again, probes).Select(a => a.Count).Sum(), Is.GreaterThan(probes.Count * 2), "every probe finds its image");
    }

    [Test]
    public void EnsureSimilarityIndex_DirectoryWithoutTheIndex_IndexesTheStateOnce_AndAnswersExactly()
    {
        var random = new Random(21);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using (var database = Open())
        {
            // An older directory: the state's entries, but nothing in the similarity column family.
            for (ulong height = 1; height <= 4; height++)
            {
                WriteStateOnly(database, BlockWrites(height, 250, random, images));
            }
        }

        using var reopened = Open();
        var rocks = new RocksDbRegistryState(reopened);

        Assert.That(rocks.EnsureSimilarityIndex(), Is.EqualTo(images.Count));
        Assert.That(new RocksDbRegistryState(reopened).EnsureSimilarityIndex(), Is.Zero, "recorded as done");
        AssertEqualsBruteForce(rocks, images, random);
    }

    [Test]
    public void EnsureSimilarityIndex_BackfillInterrupted_ResumesWhereItStopped_WithoutDuplicates()
    {
        var random = new Random(31);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        for (ulong height = 1; height <= 4; height++)
        {
            WriteStateOnly(database, BlockWrites(height, 250, random, images));
        }

        var batches = 0;
        var crashing = new RocksDbRegistryState(database, null, backfillImagesPerBatch: 100, afterBackfillBatch: () =>
        {
            if (++batches == 3)
            {
                throw new IOException("crash injected after the third backfill batch");
            }
        });
        Assert.That(() => crashing.EnsureSimilarityIndex(), Throws.TypeOf<IOException>());

        var resumed = new RocksDbRegistryState(database, null, backfillImagesPerBatch: 100, afterBackfillBatch: null);

        Assert.That(resumed.EnsureSimilarityIndex(), Is.EqualTo(images.Count - 300), "the three written batches are not indexed again");
        Assert.That(CountKeys(database, table: 0), Is.EqualTo(images.Count), "one table-0 entry per image");
        AssertEqualsBruteForce(resumed, images, random);
    }

    [Test]
    public void EnsureSimilarityIndex_StateReplacedUnderneath_RebuildsForTheNewState()
    {
        var random = new Random(41);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        using var database = Open();
        var rocks = new RocksDbRegistryState(database);
        WriteBlock(database, rocks, BlockWrites(1, 200, random, images));

        // A snapshot install replaces the state column family: here, more images and a later height, written past the index.
        WriteStateOnly(database, BlockWrites(9, 200, random, images));
        rocks.InvalidateSimilarityIndex();

        Assert.That(rocks.EnsureSimilarityIndex(), Is.EqualTo(images.Count));
        AssertEqualsBruteForce(rocks, images, random);
    }

    [Test]
    public void FindSimilarWorks_MalformedIndexKey_IsReportedAsStorageCorruption()
    {
        using var database = Open();
        var rocks = new RocksDbRegistryState(database);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        WriteBlock(database, rocks, BlockWrites(1, 20, new Random(1), images));
        var query = images[0].Hash;
        var malformed = new byte[12];
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
    public void FindSimilarWorks_EntriesNamingNoRegisteredWork_AreNotReturned()
    {
        using var database = Open();
        var rocks = new RocksDbRegistryState(database);
        var images = new List<(ulong Hash, byte[] WorkId)>();
        WriteBlock(database, rocks, BlockWrites(1, 20, new Random(2), images));
        var query = images[0].Hash;
        var layout = Options.Similarity.Layout;
        using (var batch = new WriteBatch())
        {
            // Source 1000 names a transaction that registered nothing; source 1001 has no record at all.
            batch.Put(SimilarityIndexKeys.Source(1000), new byte[32], database.SimilarityIndex);
            for (var j = 0; j < layout.SubstringCount; j++)
            {
                var rotated = BitOperations.RotateLeft(query, layout.OffsetBits(j));
                batch.Put(SimilarityIndexKeys.Entry(j, rotated, 1000, 7), Array.Empty<byte>(), database.SimilarityIndex);
                batch.Put(SimilarityIndexKeys.Entry(j, rotated, 1001, 0), Array.Empty<byte>(), database.SimilarityIndex);
            }

            database.Write(batch, sync: false);
        }

        var found = new RegistryQueries(rocks, Options).FindSimilarWorks(query, 0, 10).Matches;

        Assert.That(found.Select(m => Convert.ToHexString(m.WorkId)), Is.EqualTo(images.Where(i => i.Hash == query).Select(i => Convert.ToHexString(i.WorkId)).Order()));
    }

    [Test]
    public void Stage_TenTimesTheImages_DoesNotGrowTheManagedHeap()
    {
        using var database = Open();
        var rocks = new RocksDbRegistryState(database);
        var random = new Random(51);
        var queries = new RegistryQueries(rocks, Options);
        ulong height = 0;
        WriteImages(database, rocks, ref height, 100_000, random);
        queries.FindSimilarWorks((ulong)random.NextInt64(), 8, 10);
        var afterHundredThousand = GC.GetTotalMemory(forceFullCollection: true);

        WriteImages(database, rocks, ref height, 900_000, random);
        queries.FindSimilarWorks((ulong)random.NextInt64(), 8, 10);
        var afterMillion = GC.GetTotalMemory(forceFullCollection: true);

        // The in-memory tables this replaces held ~72 bytes per image: ~65 MB for these 900,000.
        Assert.That(afterMillion - afterHundredThousand, Is.LessThan(4L * 1024 * 1024), $"managed heap {afterHundredThousand} -> {afterMillion} bytes");
        GC.KeepAlive(rocks);
    }

    private LedgerDatabase Open() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });

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
