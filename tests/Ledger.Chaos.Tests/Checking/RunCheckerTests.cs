using Ledger.Chaos.Checking;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>The whole checker: one verdict with the closing line's counts and a printable report.</summary>
public sealed class RunCheckerTests
{
    private string runDirectory = null!;

    [SetUp]
    public void CreateRunDirectory() => runDirectory = Directory.CreateTempSubdirectory("chaos-check-").FullName;

    [TearDown]
    public void RemoveRunDirectory() => Directory.Delete(runDirectory, recursive: true);

    [Test]
    public async Task CheckAsync_CleanRun_PassesAndWritesTheReport()
    {
        var (chain, history) = OneBlockRun();

        var verdict = await RunChecker.CheckAsync(history.Operations, Nodes(chain), chain.GenesisBytes, runDirectory);

        Assert.That(verdict.Passed, Is.True, verdict.ToText());
        Assert.That(verdict.CountsLine, Is.EqualTo("acked=2 lost=0 duplicated=0 diverged=0 nonlinearizable=0"));
        Assert.That(verdict.KindLines, Is.Empty);
        Assert.That(File.ReadAllText(Path.Combine(runDirectory, RunChecker.ReportFileName)), Does.StartWith("checker: PASSED"));
    }

    [Test]
    public async Task CheckAsync_LostAckAndStaleRead_FailsNamingBothWithTheirSlices()
    {
        var (chain, history) = OneBlockRun();
        history.Operations[1] = history.Operations[1] with { BlockHeight = 2 };
        var stale = history.Read(null, 1_000, 1_010, work: ChainFixture.WorkOf("w0"));

        var verdict = await RunChecker.CheckAsync(history.Operations, Nodes(chain), chain.GenesisBytes, runDirectory);
        var text = verdict.ToText();

        Assert.That(verdict.Passed, Is.False);
        Assert.That(verdict.CountsLine, Is.EqualTo("acked=2 lost=1 duplicated=0 diverged=0 nonlinearizable=1"));
        Assert.That(verdict.KindLines, Is.EqualTo(new[] { "lost: 1", "nonlinearizable: 1" }));
        Assert.That(text, Does.Contain("Lost: acknowledged registration #1"));
        Assert.That(text, Does.Contain("NonLinearizable: work " + ChainFixture.WorkOf("w0")));
        Assert.That(text, Does.Contain($"#{stale.Id} client"));
        Assert.That(verdict.FirstViolationText, Does.StartWith("Lost:"));
    }

    [Test]
    public async Task CheckAsync_ReadOfRegistrationMissingFromChain_CountsAVanishedReadOnce()
    {
        // w2's registration went unanswered (its hash unknown to the history), a local read saw a
        // registration of it, and the chain has none: the ledger showed a write and then lost it.
        // w0's read of an invented value is counted invented, not vanished as well.
        var (chain, history) = OneBlockRun();
        history.RegisterUnknown(null, 100, work: ChainFixture.WorkOf("w2"));
        var vanished = history.ReadLocal(chain.HashOf(chain.Registration("w2")), 200, 210, work: ChainFixture.WorkOf("w2"));
        history.ReadLocal(HistoryBuilder.Tx('e'), 300, 310, work: ChainFixture.WorkOf("w0"));
        history.Read(chain.HashOf(chain.Blocks[0].Transactions[1]), 400, 410, work: ChainFixture.WorkOf("w1"));

        var verdict = await RunChecker.CheckAsync(history.Operations, Nodes(chain), chain.GenesisBytes, runDirectory);

        Assert.That((verdict.VanishedReads, verdict.InventedReads, verdict.NonLinearizable), Is.EqualTo((1L, 1L, 2L)), verdict.ToText());
        Assert.That(verdict.Violations.Single(v => v.Kind == ViolationKind.VanishedRead).Slice, Does.Contain(vanished));
    }

    private static (ChainFixture Chain, HistoryBuilder History) OneBlockRun()
    {
        var chain = new ChainFixture();
        var history = new HistoryBuilder();
        var first = chain.Registration("w0");
        var second = chain.Registration("w1");
        chain.Append(first, second);
        history.Register(chain.HashOf(first), 0, 10, work: ChainFixture.WorkOf("w0"), height: 1, position: 0);
        history.Register(chain.HashOf(second), 5, 15, work: ChainFixture.WorkOf("w1"), height: 1, position: 1);
        return (chain, history);
    }

    private static List<Ledger.Chaos.Checking.Chain.INodeChain> Nodes(ChainFixture chain) =>
        [.. Enumerable.Range(0, 3).Select(i => ChainFixture.Node(i, chain.Blocks))];
}
