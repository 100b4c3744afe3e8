using Ledger.Chaos.Faults;

namespace Ledger.Chaos.Tests.Faults;

public sealed class PartitionsTests
{
    private static readonly string[] Five = ["node-1", "node-2", "node-3", "node-4", "node-5"];

    [Test]
    public void Split_LeaderIsolated_LeaderAloneOnOneSide()
    {
        var (a, b) = Partitions.Split(Five, PartitionShape.LeaderIsolated, pick: 0, leaderId: "node-4");

        Assert.That(a, Is.EqualTo(new[] { "node-4" }));
        Assert.That(b, Is.EquivalentTo(new[] { "node-1", "node-2", "node-3", "node-5" }));
    }

    [Test]
    public void Split_MajorityMinority_MinorityIsFewerThanHalf()
    {
        var (a, b) = Partitions.Split(Five, PartitionShape.MajorityMinority, pick: 3, leaderId: null);

        Assert.That(a, Has.Count.EqualTo(2));
        Assert.That(b, Has.Count.EqualTo(3));
        Assert.That(a.Concat(b), Is.EquivalentTo(Five));
    }

    [Test]
    public void Split_Bridge_TheBridgeIsOnNeitherSideAndTheHalvesSplitTheRest()
    {
        var (a, b) = Partitions.Split(Five, PartitionShape.Bridge, pick: 2, leaderId: null);

        Assert.That(a.Concat(b), Is.EquivalentTo(new[] { "node-1", "node-2", "node-4", "node-5" }), "node-3 (pick 2) bridges");
        Assert.That(a, Has.Count.EqualTo(2));
        Assert.That(b, Has.Count.EqualTo(2));
    }

    [Test]
    public void Split_BridgeOfThree_OneNodeOnEachSide()
    {
        var (a, b) = Partitions.Split(["node-1", "node-2", "node-3"], PartitionShape.Bridge, pick: 0, leaderId: null);

        Assert.That(a, Is.EqualTo(new[] { "node-2" }));
        Assert.That(b, Is.EqualTo(new[] { "node-3" }));
    }
}
