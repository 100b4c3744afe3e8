using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;

namespace Ledger.Registry.Tests.Similarity;

public sealed class MemoryIndexTests
{
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    public void FindSimilar_FromMemory_EqualsTheStateScan_AfterBuildAddsAndMerges(int substringCount)
    {
        var random = new Random(99 + substringCount);
        var index = new PerceptualHashIndex(new PerceptualHashIndexLayout(substringCount));
        var state = new MemoryRegistryState();
        var centers = Enumerable.Range(0, 30).Select(_ => (ulong)random.NextInt64()).ToArray();
        var images = new List<(ulong Hash, byte[] WorkId)>();
        for (var i = 0; i < 2500; i++)
        {
            // Clustered near-duplicates, exact duplicates under other work ids, and noise.
            var hash = (i % 4) switch
            {
                0 => (ulong)random.NextInt64(),
                1 when images.Count > 0 => images[random.Next(images.Count)].Hash,
                _ => Flip(centers[random.Next(centers.Length)], random.Next(0, 10), random),
            };
            images.Add((hash, WorkIds.Create(Sample.Hash($"m{i}").ToByteArray(), (uint)i)));
        }

        // The first half is in state when the index is built; the rest arrives in blocks of 100,
        // with a tail bound small enough to force several merges.
        Store(state, index, images.Take(1250));
        var memory = PerceptualHashMemoryIndex.Build(state, index.Layout, tailEntriesMax: 300);
        foreach (var block in images.Skip(1250).Chunk(100))
        {
            Store(state, index, block);
            memory.AddRange(block);
        }

        Assert.That(memory.Count, Is.EqualTo(images.Count));
        var compared = 0;
        for (var query = 0; query < 40; query++)
        {
            var q = Flip(images[random.Next(images.Count)].Hash, random.Next(0, 6), random);
            for (var k = 0; k <= RegistryLimits.PerceptualHashDistanceMax; k += 2)
            {
                var expected = index.FindSimilar(state, q, k, RegistryLimits.SimilarWorksResultsMax);

                var actual = memory.FindSimilar(q, k, RegistryLimits.SimilarWorksResultsMax);

                Assert.That(Render(actual), Is.EqualTo(Render(expected)), $"query {q:X16}, k={k}, m={substringCount}");
                compared += expected.Matches.Count;
            }
        }

        Assert.That(compared, Is.GreaterThan(300), "the data must produce matches, or the comparison proves nothing");
    }

    [Test]
    public void AddRange_SkipExisting_LeavesOutImagesTheBuildAlreadySaw()
    {
        var index = new PerceptualHashIndex(new PerceptualHashIndexLayout(4));
        var state = new MemoryRegistryState();
        var seen = (Hash: 0x1234UL, WorkId: WorkIds.Create(Sample.Hash("a").ToByteArray(), 0));
        var fresh = (Hash: 0x1234UL, WorkId: WorkIds.Create(Sample.Hash("b").ToByteArray(), 0));
        Store(state, index, [seen]);
        var memory = PerceptualHashMemoryIndex.Build(state, index.Layout);

        memory.AddRange([seen, fresh], skipExisting: true);

        Assert.That(memory.Count, Is.EqualTo(2));
        Assert.That(memory.FindSimilar(0x1234, 0, 10).Matches, Has.Count.EqualTo(2));
    }

    private static void Store(MemoryRegistryState state, PerceptualHashIndex index, IEnumerable<(ulong Hash, byte[] WorkId)> images)
    {
        var writes = images.SelectMany(image => index.EntryKeys(image.Hash, image.WorkId)).Select(key => new StateWrite(key, [])).OrderBy(write => write.Key).ToList();
        state.Apply(writes);
    }

    private static List<string> Render(SimilarWorksResult result) =>
        [.. result.Matches.Select(m => $"{Convert.ToHexString(m.WorkId)}:{m.PerceptualHash:X16}:{m.Distance}"), $"truncated={result.Truncated}"];

    private static ulong Flip(ulong value, int bits, Random random)
    {
        for (var i = 0; i < bits; i++)
        {
            value ^= 1UL << random.Next(64);
        }

        return value;
    }
}
