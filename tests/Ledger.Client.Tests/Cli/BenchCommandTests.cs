using System.Text.RegularExpressions;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

public sealed partial class BenchCommandTests
{
    [Test]
    public void BenchAudit_TinyChainWithStore_EndsWithTheContractLine()
    {
        var run = CliRunner.Run("bench", "audit", "--blocks", "3", "--tx-per-block", "7", "--rounds", "1", "--store");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Out + run.Error);
        var lines = run.Out.TrimEnd().Split('\n');
        Assert.That(ClosingLine().IsMatch(lines[^1]), Is.True, lines[^1]);
        Assert.That(run.Out, Does.Contain("audit from RocksDB"));
    }

    [GeneratedRegex(@"^audit_tx_per_s=\d+ sigverify_ceiling_ratio=\d+\.\d{3}$")]
    private static partial Regex ClosingLine();
}
