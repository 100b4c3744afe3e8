using Ledger.Chaos.Checking.Linearizability;
using Ledger.Chaos.History;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>
/// The register model of a work: registration is a compare-and-set from "not registered"; an
/// acknowledged registration took effect within its call; an unanswered one may take effect at any
/// point after its invocation, or never; a linearizable read returns the register's value.
/// </summary>
public sealed class LinearizabilityCheckerTests
{
    private static readonly string A = HistoryBuilder.Tx('a');
    private static readonly string B = HistoryBuilder.Tx('b');

    [Test]
    public void CheckWork_ReadAfterCompletedWriteSeesIt_IsLinearizable()
    {
        var history = new HistoryBuilder();
        history.Read(null, 0, 5);
        history.Register(A, 10, 20);
        history.Read(A, 30, 40);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_StaleReadAfterCompletedWrite_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.Read(null, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_ReadOfValueBeforeItsWriteWasInvoked_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.Read(A, 0, 10);
        history.Register(A, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_ReadsOverlappingTheWriteSeeEitherValue_IsLinearizable()
    {
        // The absent read may take effect before the write, the other after it.
        var history = new HistoryBuilder();
        history.Register(A, 0, 100);
        history.Read(null, 10, 60);
        history.Read(A, 20, 30);
        history.Read(A, 90, 120);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_ReadSeesValueThenLaterReadSeesAbsent_IsNotLinearizable()
    {
        // Both reads overlap the write, but once one has returned A a later one cannot see "absent".
        var history = new HistoryBuilder();
        history.Register(A, 0, 100);
        history.Read(A, 10, 20);
        history.Read(null, 30, 40);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_TwoAcknowledgedRegistrationsOfOneWork_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.Register(B, 5, 15);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_SameTransactionAcknowledgedTwice_IsLinearizable()
    {
        // A resubmission of the very same signed transaction answered with its receipt again.
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.Register(A, 20, 30);
        history.Read(A, 40, 50);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_UnknownWriteObservedLater_IsLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterUnknown(A, 0);
        history.Read(null, 10, 20);
        history.Read(A, 1_000, 1_010);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_UnknownWriteNeverObserved_IsLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterUnknown(A, 0);
        history.Read(null, 10, 20);
        history.Read(null, 1_000, 1_010);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_UnknownWriteObservedThenUnobserved_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterUnknown(A, 0);
        history.Read(A, 10, 20);
        history.Read(null, 30, 40);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_ReadOfUnknownWriteBeforeItsInvocation_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.Read(A, 0, 10);
        history.RegisterUnknown(A, 20);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_UnknownWriteLosesToAcknowledgedOne_IsLinearizable()
    {
        // The unanswered registration of B came second and was refused as a duplicate.
        var history = new HistoryBuilder();
        history.RegisterUnknown(B, 0);
        history.Register(A, 5, 15);
        history.Read(A, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_UnknownWriteOfUnnamedValueObserved_IsLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterUnknown(null, 0);
        history.Read(A, 10, 20);
        history.Read(A, 30, 40);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_DuplicateRefusalNamingTheAcknowledgedRegistration_IsLinearizable()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.RegisterRefusedAsDuplicate(B, A, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_DuplicateRefusalBeforeTheRegistrationItNames_IsNotLinearizable()
    {
        var history = new HistoryBuilder();
        history.RegisterRefusedAsDuplicate(B, A, 0, 10);
        history.Register(A, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_DuplicateRefusalNamingItself_CountsAsItsWrite()
    {
        // An earlier attempt of the same transaction took effect; a later absent read is stale.
        var history = new HistoryBuilder();
        history.RegisterRefusedAsDuplicate(A, A, 0, 10);
        history.Read(null, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.NotLinearizable));
    }

    [Test]
    public void CheckWork_PlainRefusalAndFailedReads_AreIgnored()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10, OutcomeKind.Failed);
        history.Read(null, 20, 30);

        Assert.That(Check(history), Is.EqualTo(SearchOutcome.Linearizable));
    }

    [Test]
    public void CheckWork_SearchBoundReached_ReturnsUndecidedInsteadOfSearchingOn()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.Read(A, 20, 30);
        history.Read(A, 40, 50);

        var outcome = LinearizabilityChecker.CheckWork(HistoryBuilder.Work, history.Operations, statesMax: 2);

        Assert.That(outcome, Is.EqualTo(SearchOutcome.Undecided));
    }

    [Test]
    public void CheckWork_ExponentialHistoryAtDefaultBound_ReturnsUndecided()
    {
        // 40 concurrent absent reads and a read of a value nobody wrote: refuting it means trying
        // every subset of the reads, far beyond the bound; the search must stop and say so.
        var history = new HistoryBuilder();
        for (var i = 0; i < 40; i++)
        {
            history.Read(null, i, 1_000 + i);
        }

        history.Read(B, 0, 2_000);

        var outcome = LinearizabilityChecker.CheckWork(HistoryBuilder.Work, history.Operations);

        Assert.That(outcome, Is.EqualTo(SearchOutcome.Undecided));
    }

    [Test]
    public void Check_ManyWorksOneBad_CountsOnlyTheBadWorkAndShowsItsSlice()
    {
        var history = new HistoryBuilder();
        for (var i = 0; i < 100; i++)
        {
            var work = (i + 100).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
            var tx = (i + 1_000).ToString("x64", System.Globalization.CultureInfo.InvariantCulture);
            history.Register(tx, i * 100, (i * 100) + 10, work: work);
            history.Read(tx, (i * 100) + 20, (i * 100) + 30, work: work);
        }

        history.Register(A, 50_000, 50_010);
        history.Read(null, 50_020, 50_030);

        var report = LinearizabilityChecker.Check(history.Operations);

        Assert.That(report.WorksChecked, Is.EqualTo(101));
        Assert.That(report.NonLinearizableWorks, Is.EqualTo(1));
        Assert.That(report.Violations.Single().WorkKey, Is.EqualTo(HistoryBuilder.Work));
        Assert.That(report.Violations.Single().Slice, Has.Count.EqualTo(2));
    }

    [Test]
    public void Check_LocalReadOfValueNeverWritten_IsAnInventedRead()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.ReadLocal(B, 20, 30);

        var report = LinearizabilityChecker.Check(history.Operations);

        Assert.That(report.InventedReads, Is.EqualTo(1));
        Assert.That(report.NonLinearizableWorks, Is.Zero);
    }

    [Test]
    public void Check_LocalReadOfValueWrittenOnlyAfterIt_IsAnInventedRead()
    {
        var history = new HistoryBuilder();
        history.ReadLocal(A, 0, 10);
        history.Register(A, 20, 30);

        var report = LinearizabilityChecker.Check(history.Operations);

        Assert.That(report.InventedReads, Is.EqualTo(1));
    }

    [Test]
    public void Check_StaleLocalReadAndLocalReadOfUnknownWrite_AreAllowed()
    {
        var history = new HistoryBuilder();
        history.Register(A, 0, 10);
        history.ReadLocal(null, 20, 30);
        history.RegisterUnknown(B, 0, work: HistoryBuilder.Tx('9'));
        history.ReadLocal(B, 40, 50, work: HistoryBuilder.Tx('9'));

        var report = LinearizabilityChecker.Check(history.Operations);

        Assert.That(report.InventedReads, Is.Zero);
        Assert.That(report.NonLinearizableWorks, Is.Zero);
    }

    private static SearchOutcome Check(HistoryBuilder history) => LinearizabilityChecker.CheckWork(HistoryBuilder.Work, history.Operations);
}
