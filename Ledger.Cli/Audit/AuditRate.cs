using System.Globalization;

namespace Ledger.Cli.Audit;

/// <summary>
/// Blocks and transactions an audit verified in this run, and how fast: counted from where the run
/// started (height 0, or the checkpoint it resumed from), over the run's wall-clock time, network and
/// waiting included, so the closing figure is what an auditor gets end to end.
/// </summary>
public sealed class AuditRate
{
    private readonly TimeProvider time;
    private readonly long startedAt;
    private readonly ulong startHeight;

    public AuditRate(ulong startHeight, TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        this.startHeight = startHeight;
        startedAt = this.time.GetTimestamp();
    }

    public ulong Blocks { get; private set; }

    public ulong Transactions { get; private set; }

    public double Seconds => Math.Max(time.GetElapsedTime(startedAt).TotalSeconds, 1e-3);

    public double BlocksPerSecond => Blocks / Seconds;

    public double TransactionsPerSecond => Transactions / Seconds;

    /// <summary>Records the auditor's position: its verified height and the transactions it verified in this run.</summary>
    public void Observe(ulong verifiedHeight, ulong transactionsVerified)
    {
        Blocks = verifiedHeight - startHeight;
        Transactions = transactionsVerified;
    }

    /// <summary>One line for a person: where the audit is and how fast it goes.</summary>
    public string Describe(ulong verifiedHeight, ulong targetHeight) => string.Create(
        CultureInfo.InvariantCulture,
        $"block {verifiedHeight:N0} of {targetHeight:N0}, {Transactions:N0} tx verified, {TransactionsPerSecond:F0} tx/s, {BlocksPerSecond:F0} blocks/s");
}
