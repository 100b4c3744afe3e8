using System.Text.RegularExpressions;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

/// <summary><c>ledger bench audit --suite sm2-sm3</c> (issue 20): SM2-signed, SM3-hashed synthetic chain, also from a RocksDB store.</summary>
public sealed partial class SmBenchAuditTests
{
    [Test]
    public void BenchAudit_SmSuiteTinyChainWithStore_NamesTheBackendsAndEndsWithTheContractLine()
    {
        var run = CliRunner.Run("bench", "audit", "--suite", "sm2-sm3", "--blocks", "3", "--tx-per-block", "7", "--rounds", "1", "--store");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Error);
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.That(ClosingLine().IsMatch(lines[^1]), Is.True, lines[^1]);
        Assert.That(run.Out, Does.Contain("audit from RocksDB"));
        Assert.That(run.Error, Does.Contain("sm2-sm3 backends: SM2 "));
    }

    [GeneratedRegex(@"^audit_tx_per_s=\d+ sigverify_ceiling_ratio=\d+\.\d{3}$")]
    private static partial Regex ClosingLine();
}
