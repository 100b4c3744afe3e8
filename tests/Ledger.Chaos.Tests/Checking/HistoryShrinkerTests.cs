using Ledger.Chaos.Checking.Linearizability;

namespace Ledger.Chaos.Tests.Checking;

public sealed class HistoryShrinkerTests
{
    private static readonly string A = HistoryBuilder.Tx('a');

    [Test]
    public void Shrink_StaleReadAmongManyOperations_ReturnsTheWriteAndTheStaleRead()
    {
        var history = new HistoryBuilder();
        history.Read(null, 0, 5);
        var write = history.Register(A, 10, 20);
        for (var i = 0; i < 10; i++)
        {
            history.Read(A, 30 + (i * 10), 35 + (i * 10));
        }

        var stale = history.Read(null, 200, 210);
        history.Read(A, 220, 230);

        var slice = HistoryShrinker.Shrink(HistoryBuilder.Work, history.Operations);

        Assert.That(slice, Is.EqualTo(new[] { write, stale }));
    }

    [Test]
    public void Shrink_ReadBeforeItsWrite_KeepsTheWriteThatShowsWhy()
    {
        // Without the write the read alone is still not linearizable, but says less: the write stays.
        var history = new HistoryBuilder();
        var early = history.Read(A, 0, 10);
        history.Read(null, 12, 14);
        var write = history.Register(A, 20, 30);
        history.Read(A, 40, 50);

        var slice = HistoryShrinker.Shrink(HistoryBuilder.Work, history.Operations);

        Assert.That(slice, Is.EqualTo(new[] { early, write }));
    }

    [Test]
    public void Shrink_RemovingAnyReadOfTheSlice_MakesItLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterUnknown(A, 0);
        for (var i = 0; i < 6; i++)
        {
            history.Read(i % 2 == 0 ? A : null, 10 + (i * 10), 15 + (i * 10));
        }

        var slice = HistoryShrinker.Shrink(HistoryBuilder.Work, history.Operations);

        Assert.That(LinearizabilityChecker.CheckWork(HistoryBuilder.Work, slice), Is.EqualTo(SearchOutcome.NotLinearizable));
        Assert.That(slice, Has.Count.EqualTo(3), "the unanswered write, a read that saw it, a later read that did not");
        for (var i = 0; i < slice.Count; i++)
        {
            if (slice[i].Kind == Ledger.Chaos.History.OperationKind.Register)
            {
                continue;
            }

            var smaller = slice.Where((_, j) => j != i).ToList();
            Assert.That(LinearizabilityChecker.CheckWork(HistoryBuilder.Work, smaller), Is.Not.EqualTo(SearchOutcome.NotLinearizable), $"without operation {i}");
        }
    }
}
