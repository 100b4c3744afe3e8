using System.Buffers.Binary;
using Ledger.Core.Hashing;
using Ledger.Registry;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Registry;

public sealed class RocksDbSimilarityIndexTests
{
    private static readonly RegistryOptions Options = new(Sha256HashAlgorithm.Instance);
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-similar-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void FindSimilarWorks_FromTheMemoryIndex_EqualsTheSameQueryOverTheInMemoryState_AsBlocksAreWritten()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });
        var rocks = new RocksDbRegistryState(database);
        var reference = new MemoryRegistryState();
        var random = new Random(77);
        ulong height = 0;
        var hashes = new List<ulong>();

        for (var block = 0; block < 12; block++)
        {
            var writes = BlockWrites(++height, 50, random, hashes);
            using var batch = new WriteBatch();
            rocks.Stage(batch, writes);
            database.Write(batch, sync: false);
            reference.Apply(writes);
            if (block % 3 == 0)
            {
                // Queries between blocks: the first one builds the index, later ones see the blocks written since.
                AssertSameAnswers(rocks, reference, hashes, random);
            }
        }

        AssertSameAnswers(rocks, reference, hashes, random);
    }

    [Test]
    public void FindSimilarWorks_DoesNotSeeAStagedBlockUntilItIsWritten()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });
        var rocks = new RocksDbRegistryState(database);
        var queries = new RegistryQueries(rocks, Options);
        var random = new Random(5);
        var hashes = new List<ulong>();
        rocks.Apply(BlockWrites(1, 10, random, hashes));
        Assert.That(queries.FindSimilarWorks(hashes[0], 0, 10).Matches, Has.Count.EqualTo(1));

        var writes = BlockWrites(2, 1, random, hashes);
        using var batch = new WriteBatch();
        rocks.Stage(batch, writes);
        Assert.That(queries.FindSimilarWorks(hashes[^1], 0, 10).Matches, Is.Empty, "staged, not written");

        database.Write(batch, sync: false);
        Assert.That(queries.FindSimilarWorks(hashes[^1], 0, 10).Matches, Has.Count.EqualTo(1), "written");
    }

    private static void AssertSameAnswers(RocksDbRegistryState rocks, MemoryRegistryState reference, List<ulong> hashes, Random random)
    {
        var fromRocks = new RegistryQueries(rocks, Options);
        var fromMemory = new RegistryQueries(reference, Options);
        for (var q = 0; q < 20; q++)
        {
            var query = hashes[random.Next(hashes.Count)] ^ (1UL << random.Next(64));
            var k = random.Next(0, 9);
            Assert.That(Render(fromRocks.FindSimilarWorks(query, k, 50)), Is.EqualTo(Render(fromMemory.FindSimilarWorks(query, k, 50))), $"query {query:X16} k={k}");
        }
    }

    // One block's writes as the applier emits them: index entries of new images plus the applied height, in key order.
    private static List<StateWrite> BlockWrites(ulong height, int images, Random random, List<ulong> hashes)
    {
        var writes = new List<StateWrite>();
        for (var i = 0; i < images; i++)
        {
            var hash = hashes.Count > 0 && random.Next(3) == 0 ? hashes[random.Next(hashes.Count)] ^ (1UL << random.Next(64)) : (ulong)random.NextInt64();
            hashes.Add(hash);
            var workId = new byte[36];
            BinaryPrimitives.WriteUInt64BigEndian(workId, height);
            BinaryPrimitives.WriteInt32BigEndian(workId.AsSpan(32), i);
            writes.AddRange(Options.Similarity.EntryKeys(hash, workId).Select(key => new StateWrite(key, [])));
        }

        var encodedHeight = new byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(encodedHeight, height);
        writes.Add(new StateWrite(StateKeys.AppliedHeight(), encodedHeight));
        return [.. writes.OrderBy(write => write.Key)];
    }

    private static List<string> Render(SimilarWorksResult result) =>
        [.. result.Matches.Select(m => $"{Convert.ToHexString(m.WorkId)}:{m.Distance}"), $"truncated={result.Truncated}"];
}
