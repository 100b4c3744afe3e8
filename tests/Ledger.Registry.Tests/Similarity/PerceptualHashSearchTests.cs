using Ledger.Registry.Similarity;
using Ledger.Registry.State;
using Ledger.Registry.Tests.Support;

namespace Ledger.Registry.Tests.Similarity;

/// <summary>The candidate bound of <see cref="PerceptualHashSearch"/>: what a truncated query still reports.</summary>
public sealed class PerceptualHashSearchTests
{
    private static readonly PerceptualHashIndexLayout Layout = new(4);

    [Test]
    public void FindSimilar_BoundCutsARunOfEqualHashes_ReportsEveryWorkWithTheReachedHash_AndSaysTruncated()
    {
        var state = new MemoryRegistryState();
        var workIds = Store(state, Enumerable.Repeat(0x1234_5678_9ABC_DEF0UL, 10));
        using var tables = PerceptualHashMemoryTables.Build(state, Layout);

        var result = PerceptualHashSearch.FindSimilar(tables, state, Layout, 0x1234_5678_9ABC_DEF0UL, 0, 100, candidatesMax: 3);

        Assert.That(result.Truncated, Is.True);
        Assert.That(result.Matches.Select(m => Convert.ToHexString(m.WorkId)), Is.EqualTo(workIds.Select(Convert.ToHexString).Order()), "a hash that was reached comes with all its works");
    }

    [Test]
    public void FindSimilar_BoundCutsBeforeAHash_DoesNotReportIt()
    {
        // Same top 16 bits (one bucket of table 0), ascending below: the bound of 2 reaches the first two hashes only.
        var state = new MemoryRegistryState();
        var workIds = Store(state, [0xAAAA_0000_0000_0001UL, 0xAAAA_0000_0000_0003UL, 0xAAAA_0000_0000_0007UL]);
        using var tables = PerceptualHashMemoryTables.Build(state, Layout);

        var result = PerceptualHashSearch.FindSimilar(tables, state, Layout, 0xAAAA_0000_0000_0000UL, 3, 100, candidatesMax: 2);

        Assert.That(result.Truncated, Is.True);
        Assert.That(result.Matches.Select(m => m.PerceptualHash), Is.EquivalentTo(new[] { 0xAAAA_0000_0000_0001UL, 0xAAAA_0000_0000_0003UL }));
    }

    [Test]
    public void FindSimilar_ExactlyTheBoundOfCandidates_IsNotTruncated()
    {
        // Six entries in the probed buckets: two hashes in the buckets of tables 0, 1 and 2 (table 3's probed bucket is empty).
        var state = new MemoryRegistryState();
        Store(state, [0xAAAA_0000_0000_0001UL, 0xAAAA_0000_0000_0003UL]);
        using var tables = PerceptualHashMemoryTables.Build(state, Layout);

        var result = PerceptualHashSearch.FindSimilar(tables, state, Layout, 0xAAAA_0000_0000_0000UL, 2, 100, candidatesMax: 6);

        Assert.That(result.Truncated, Is.False);
        Assert.That(result.Matches, Has.Count.EqualTo(2));
    }

    private static List<byte[]> Store(MemoryRegistryState state, IEnumerable<ulong> hashes)
    {
        var workIds = new List<byte[]>();
        var i = 0;
        foreach (var hash in hashes)
        {
            var workId = Model.WorkIds.Create(Sample.Hash($"w{i}").ToByteArray(), (uint)i++);
            workIds.Add(workId);
            state.Apply([new StateWrite(PerceptualHashIndex.EntryKey(hash, workId), [])]);
        }

        return workIds;
    }
}
