using System.Numerics;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;
using static Ledger.Registry.Tests.Support.TestChain;

namespace Ledger.Registry.Tests.Similarity;

public sealed class MultiIndexHashingTests
{
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(5)]
    [TestCase(6)]
    [TestCase(7)]
    [TestCase(8)]
    public void FindSimilar_AgreesWithBruteForce_OnRandomClusteredHashes(int substringCount)
    {
        var random = new Random(4242 + substringCount);
        var index = new PerceptualHashIndex(new PerceptualHashIndexLayout(substringCount));
        var state = new MemoryRegistryState();
        var hashes = new List<(byte[] WorkId, ulong Hash)>();
        var centers = Enumerable.Range(0, 40).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40)).ToArray();
        for (var i = 0; i < 3000; i++)
        {
            // Near-duplicates around a few centres (what perceptual hashes of re-encoded images look like) plus noise.
            var hash = i % 3 == 0 ? (ulong)random.NextInt64() : Flip(centers[random.Next(centers.Length)], random.Next(0, 12), random);
            var workId = Model.WorkIds.Create(Sample.Hash($"w{i}").ToByteArray(), (uint)i);
            hashes.Add((workId, hash));
            state.Apply(index.EntryKeys(hash, workId).Select(k => new StateWrite(k, [])).OrderBy(w => w.Key).ToList());
        }

        var matchCount = 0;
        for (var query = 0; query < 60; query++)
        {
            var q = Flip(centers[random.Next(centers.Length)], random.Next(0, 6), random);
            for (var k = 0; k <= RegistryLimits.PerceptualHashDistanceMax; k += 2)
            {
                var expected = hashes
                    .Select(h => (h.WorkId, h.Hash, Distance: BitOperations.PopCount(h.Hash ^ q)))
                    .Where(h => h.Distance <= k)
                    .OrderBy(h => h.Distance).ThenBy(h => Convert.ToHexString(h.WorkId))
                    .Select(h => Convert.ToHexString(h.WorkId))
                    .ToList();

                var actual = index.FindSimilar(state, q, k, RegistryLimits.SimilarWorksResultsMax);

                Assert.That(actual.Truncated, Is.False);
                Assert.That(actual.Matches.Select(m => Convert.ToHexString(m.WorkId)), Is.EqualTo(expected), $"query {q:X16}, k={k}, m={substringCount}");
                matchCount += expected.Count;
            }
        }

        Assert.That(matchCount, Is.GreaterThan(500), "the data must produce matches, or the comparison proves nothing");
    }

    [TestCase(16, 0, 1)]
    [TestCase(16, 1, 17)]
    [TestCase(16, 2, 137)]
    [TestCase(8, 3, 93)]
    public void Neighbours_EnumeratesEveryValueWithinTheRadiusExactlyOnce(int widthBits, int radius, int expectedCount)
    {
        const ulong center = 0b1010_0110;

        var values = PerceptualHashIndex.Neighbours(center, widthBits, radius).ToList();

        Assert.That(values, Has.Count.EqualTo(expectedCount));
        Assert.That(values.Distinct().Count(), Is.EqualTo(expectedCount));
        Assert.That(values.All(v => BitOperations.PopCount(v ^ center) <= radius && v >> widthBits == 0), Is.True);
    }

    [Test]
    public void Layout_SplitsSixtyFourBitsIntoNearlyEqualSubstrings()
    {
        var layout = new PerceptualHashIndexLayout(3);

        Assert.That(Enumerable.Range(0, 3).Select(layout.WidthBits), Is.EqualTo(new[] { 22, 21, 21 }));
        Assert.That(layout.Substring(0xFFFF_FC00_0000_0000UL, 0), Is.EqualTo((1UL << 22) - 1));
        Assert.That(layout.Substring(0x0000_0000_001F_FFFFUL, 2), Is.EqualTo((1UL << 21) - 1));
        Assert.That(layout.ProbeCount(8), Is.EqualTo(254 + 232 + 232));
    }

    [TestCase(2)]
    [TestCase(9)]
    public void Layout_WithTooFewOrTooManySubstrings_Throws(int substringCount)
    {
        Assert.That(() => new PerceptualHashIndexLayout(substringCount), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void FindSimilarWorks_ThroughTheRegistry_FindsRegisteredNearDuplicatesNearestFirst()
    {
        var chain = new TestChain();
        const ulong original = 0x0F0F_F0F0_1234_ABCDUL;
        chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work("original", Sample.Member(Alice), perceptualHash: original));
        var originalId = Sample.WorkIdOf(chain.LastTxHash).ToByteArray();
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("recompressed", Sample.External("s"), perceptualHash: original ^ 0b1011));
        chain.Apply(Platform, TransactionType.RegisterWork, Sample.Work("unrelated", Sample.External("s"), perceptualHash: ~original));

        var result = chain.Queries.FindSimilarWorks(original ^ 1, maxDistance: 4, limit: 10);

        Assert.That(result.Matches.Select(m => m.Distance), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(result.Matches[0].WorkId, Is.EqualTo(originalId));
    }

    [Test]
    public void DefaultLayout_IsThreeSubstringsOf22_21_21Bits_WithinTheProbeBound()
    {
        var layout = new TestChain().Options.Similarity.Layout;

        Assert.That(layout.SubstringCount, Is.EqualTo(RegistryOptions.DefaultPerceptualHashSubstringCount).And.EqualTo(3));
        Assert.That(Enumerable.Range(0, 3).Select(layout.WidthBits), Is.EqualTo(new[] { 22, 21, 21 }));
        Assert.That(layout.ProbeCount(4), Is.EqualTo(67), "radius 1: 3 + 22 + 21 + 21");
        Assert.That(layout.ProbeCount(RegistryLimits.PerceptualHashDistanceMax), Is.EqualTo(718).And.LessThanOrEqualTo(PerceptualHashIndexLayout.ProbesPerQueryMax), "radius 2: 67 + 231 + 210 + 210");
    }

    [Test]
    public void StateRoots_DoNotDependOnTheSubstringCount_OneStateEntryPerImage()
    {
        // The layout only shapes a node's derived tables: chains under different m commit the same state.
        var chains = new[] { new TestChain(perceptualHashSubstringCount: 3), new TestChain(perceptualHashSubstringCount: 4), new TestChain(perceptualHashSubstringCount: 8) };
        var roots = chains.Select(_ => new List<string>()).ToArray();
        for (var i = 0; i < chains.Length; i++)
        {
            var chain = chains[i];
            for (var w = 0; w < 5; w++)
            {
                chain.Apply(Alice, TransactionType.RegisterWork, Sample.Work($"work-{w}", Sample.Member(Alice), perceptualHash: 0x0123_4567_89AB_CDEFUL * (ulong)(w + 1)));
                roots[i].Add(Convert.ToHexString(chain.LastBlock!.StateRoot));
            }

            chain.Apply(Platform, TransactionType.RegisterWork, Sample.Batch(Sample.External("seller"), [Sample.Item("a", "item-a", perceptualHash: 7), Sample.Item("b", "item-b"), Sample.Item("c", "item-c", perceptualHash: 7 ^ 0b101)]));
            roots[i].Add(Convert.ToHexString(chain.LastBlock!.StateRoot));
            Assert.That(chain.State.Scan(PerceptualHashIndex.EntriesPrefix).Count(), Is.EqualTo(5), $"m={chain.Options.Similarity.Layout.SubstringCount}: one entry per single image, none for batch items (their chunks carry the hash)");
        }

        Assert.That(roots[1], Is.EqualTo(roots[0]));
        Assert.That(roots[2], Is.EqualTo(roots[0]));
        var answers = chains.Select(chain => chain.Queries.FindSimilarWorks(0x0123_4567_89AB_CDEFUL ^ 0b11, 4, 10).Matches.Select(m => Convert.ToHexString(m.WorkId)).ToList()).ToArray();
        Assert.That(answers[0], Has.Count.EqualTo(1));
        Assert.That(answers[1], Is.EqualTo(answers[0]));
        Assert.That(answers[2], Is.EqualTo(answers[0]));
    }

    [Test]
    public void FindSimilar_BeyondTheDistanceBound_Throws()
    {
        var chain = new TestChain();

        Assert.That(() => chain.Queries.FindSimilarWorks(0, RegistryLimits.PerceptualHashDistanceMax + 1, 10), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    private static ulong Flip(ulong value, int bits, Random random)
    {
        for (var i = 0; i < bits; i++)
        {
            value ^= 1UL << random.Next(64);
        }

        return value;
    }
}
