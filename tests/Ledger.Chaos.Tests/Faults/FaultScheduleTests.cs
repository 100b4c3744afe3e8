using Ledger.Chaos.Faults;
using Ledger.Chaos.Options;

namespace Ledger.Chaos.Tests.Faults;

public sealed class FaultScheduleTests
{
    private static ChaosOptions Options(int seed, IReadOnlyList<FaultKind>? kinds = null, int seconds = 600) =>
        new() { Seed = seed, DurationSeconds = seconds, FaultKinds = kinds ?? FaultKinds.ByName.Values.ToList() };

    [Test]
    public void Generate_SameSeed_SameSchedule()
    {
        var first = FaultSchedule.Generate(Options(1234)).Format();
        var second = FaultSchedule.Generate(Options(1234)).Format();

        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void Generate_LinkFaults_SomeHitTheClientsLinkAndSayWhich()
    {
        var links = FaultSchedule.Generate(Options(1234, [FaultKind.Link])).Steps;

        Assert.That(links.Count(s => s.ClientLink), Is.GreaterThan(0).And.LessThan(links.Count), "a mix of client and peer links");
        Assert.That(links.Where(s => s.ClientLink).Select(s => s.Describe()), Has.All.Contains("clients->node#"));
    }

    [Test]
    public void Generate_DifferentSeed_DifferentSchedule()
    {
        var first = FaultSchedule.Generate(Options(1234)).Format();
        var second = FaultSchedule.Generate(Options(1235)).Format();

        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void Generate_TenMinutes_StepsInOrderOneAfterAnotherAndOverBeforeTheEnd()
    {
        var schedule = FaultSchedule.Generate(Options(99));

        Assert.That(schedule.Steps, Has.Count.GreaterThan(60), "about one fault every 5 s over 10 minutes");
        for (var i = 1; i < schedule.Steps.Count; i++)
        {
            Assert.That(schedule.Steps[i].At, Is.GreaterThanOrEqualTo(schedule.Steps[i - 1].At + schedule.Steps[i - 1].Duration), $"step {i + 1} starts before step {i} is healed");
        }

        var last = schedule.Steps[^1];
        Assert.That(last.At + last.Duration, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(600)));
        Assert.That(schedule.Steps.Select(s => s.Kind).Distinct().Count(), Is.EqualTo(FaultKinds.ByName.Count), "a long run draws every enabled kind");
    }

    [Test]
    public void Generate_OnlyLeaderKills_EveryStepKillsTheLeaderOfItsMoment()
    {
        var schedule = FaultSchedule.Generate(Options(5, [FaultKind.KillLeader], seconds: 120));

        Assert.That(schedule.Steps, Is.Not.Empty);
        Assert.That(schedule.Steps, Is.All.Matches<FaultStep>(s => s.Kind == FaultKind.KillLeader && s.TargetsLeader));
    }

    [Test]
    public void Generate_PausesLastLongerThanTheElectionTimeout()
    {
        var schedule = FaultSchedule.Generate(Options(8, [FaultKind.Pause]));

        Assert.That(schedule.Steps, Is.All.Matches<FaultStep>(s => s.Duration >= FaultSchedule.PauseMin));
    }

    [Test]
    public void Generate_OnlyMembership_CappedAtTheSpareNodes()
    {
        var schedule = FaultSchedule.Generate(Options(3, [FaultKind.Membership]));

        Assert.That(schedule.MembershipChanges, Is.EqualTo(FaultSchedule.MembershipChangesMax));
    }

    [Test]
    public void Generate_NoFaultKinds_EmptySchedule()
    {
        var schedule = FaultSchedule.Generate(Options(3, []));

        Assert.That(schedule.Steps, Is.Empty);
    }
}
