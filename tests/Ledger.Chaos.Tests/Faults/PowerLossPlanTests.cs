using Ledger.Chaos.Faults;

namespace Ledger.Chaos.Tests.Faults;

public sealed class PowerLossPlanTests
{
    private static IEnumerable<PowerLossPlan> Plans(int nodeCount, int count = 300) =>
        Enumerable.Range(0, count).Select(seed => PowerLossPlan.Draw(new Random(seed), nodeCount));

    [TestCase(3)]
    [TestCase(5)]
    public void Draw_AnySeed_OrderIsAPermutationOfTheSlotsAndGapsWithinTheBound(int nodeCount)
    {
        foreach (var plan in Plans(nodeCount))
        {
            Assert.That(plan.Order, Is.EquivalentTo(Enumerable.Range(0, nodeCount)), plan.ToString());
            Assert.That(plan.Gaps, Has.Count.EqualTo(nodeCount - 1));
            Assert.That(plan.Gaps, Is.All.InRange(TimeSpan.Zero, PowerLossPlan.RestartGapMax));
        }
    }

    [Test]
    public void Draw_LeaderBackLast_TheOldLeadersSlotComesBackLast()
    {
        var leaderLast = Plans(3).Where(p => p.LeaderBackLast).ToList();

        Assert.That(leaderLast, Is.Not.Empty);
        Assert.That(leaderLast, Is.All.Matches<PowerLossPlan>(p => p.Order[^1] == 0));
    }

    [Test]
    public void Draw_ManySeeds_EveryScopeAndBothKindsOfOrderOccur()
    {
        var plans = Plans(3).ToList();

        Assert.That(plans.Select(p => p.Scope).Distinct(), Is.EquivalentTo(new[] { PowerLossScope.All, PowerLossScope.Majority }));
        Assert.That(plans.Count(p => p.Scope == PowerLossScope.All), Is.GreaterThan(plans.Count / 2), "most power losses take the whole cluster down");
        Assert.That(plans.Count(p => p.LeaderBackLast), Is.InRange(plans.Count / 2, plans.Count - 1), "the old leader comes back last often, not always");
        Assert.That(plans.Count(p => !p.LeaderBackLast && p.Order[^1] != 0), Is.GreaterThan(0), "a shuffled order lets the old leader come back early");
    }

    [TestCase(PowerLossScope.All, 3, 3)]
    [TestCase(PowerLossScope.All, 5, 5)]
    [TestCase(PowerLossScope.Majority, 3, 2)]
    [TestCase(PowerLossScope.Majority, 4, 3)]
    [TestCase(PowerLossScope.Majority, 5, 3)]
    public void VictimCount_Scope_AllOrAMajority(PowerLossScope scope, int members, int expected)
    {
        var plan = Plan(scope, [0, 1, 2]);

        Assert.That(plan.VictimCount(members), Is.EqualTo(expected));
    }

    [Test]
    public void RestartOrder_AsManyVictimsAsSlots_FollowsThePlan()
    {
        var plan = Plan(PowerLossScope.All, [2, 0, 1]);

        Assert.That(plan.RestartOrder(["L", "a", "b"]), Is.EqualTo(new[] { "b", "L", "a" }));
    }

    [Test]
    public void RestartOrder_FewerVictimsThanSlots_KeepsThePlansOrderOfThoseThere()
    {
        var plan = Plan(PowerLossScope.Majority, [2, 1, 0]);

        Assert.That(plan.RestartOrder(["L", "a"]), Is.EqualTo(new[] { "a", "L" }));
    }

    [Test]
    public void RestartOrder_MoreVictimsThanSlots_TheUnnamedComeBackLast()
    {
        var plan = Plan(PowerLossScope.All, [1, 0, 2]);

        Assert.That(plan.RestartOrder(["L", "a", "b", "c"]), Is.EqualTo(new[] { "a", "L", "b", "c" }));
    }

    [Test]
    public void GapBefore_FirstRestart_NoPause()
    {
        var plan = Plan(PowerLossScope.All, [0, 1, 2]);

        Assert.That(plan.GapBefore(0), Is.EqualTo(TimeSpan.Zero));
        Assert.That(plan.GapBefore(1), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(plan.GapBefore(2), Is.EqualTo(TimeSpan.FromMilliseconds(200)));
        Assert.That(plan.GapBefore(3), Is.EqualTo(TimeSpan.FromMilliseconds(200)), "past the plan: the last pause");
    }

    [Test]
    public void ToString_LeaderBackLast_NamesScopeOrderAndGaps()
    {
        var plan = Plan(PowerLossScope.All, [2, 1, 0]) with { LeaderBackLast = true };

        Assert.That(plan.ToString(), Is.EqualTo("all nodes; back in order 2,1,L (L: leader at the cut), L once the others elect; gaps 0.100s,0.200s"));
    }

    private static PowerLossPlan Plan(PowerLossScope scope, int[] order) => new()
    {
        Scope = scope,
        LeaderBackLast = false,
        Order = order,
        Gaps = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)],
    };
}
