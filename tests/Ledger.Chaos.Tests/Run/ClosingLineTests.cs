using Ledger.Chaos.Run;

namespace Ledger.Chaos.Tests.Run;

public sealed class ClosingLineTests
{
    [Test]
    public void ToString_ContractKeysInContractOrder()
    {
        var line = new ClosingLine(600, 1_190_000, 0, 0, 0, 0, 118, 12, 12, 11);

        Assert.That(line.ToString(), Is.EqualTo("chaos_seconds=600 acked=1190000 lost=0 duplicated=0 diverged=0 nonlinearizable=0 faults=118 disk_corruptions=12 detected=12 repaired=11"));
    }

    [Test]
    public void Format_RecoveryPercentiles_NearestRank()
    {
        var timer = new RecoveryTimer();

        Assert.That(timer.Format(), Does.StartWith("recovery_ms_p50=- recovery_ms_p99=-"));
    }
}
