using System.Diagnostics;
using System.Globalization;
using Ledger.Client;
using Ledger.Client.Audit;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>What the closing network audit of the whole chain found, and how fast.</summary>
/// <param name="Items">
/// Works under the verified transactions: a committed batch's item count (its signature covers the
/// items' Merkle root and count; the detached item lists themselves are not re-hashed by the auditor)
/// plus one per committed single registration.
/// </param>
/// <param name="VerifySeconds">Time inside the auditor (ChainAuditor.Append) on the same blocks: the in-process rate, as <c>ledger bench audit</c> measures it, without the network.</param>
/// <param name="ResidentBytesBefore">The bench process's RSS when the audit started (it holds the ingest's leftovers too).</param>
/// <param name="ResidentBytesMax">The bench process's largest RSS seen while it audited.</param>
internal sealed record AuditFigures(
    bool Passed,
    string? Failure,
    ulong Blocks,
    ulong Transactions,
    long Items,
    ulong CertifiedBlocks,
    double Seconds,
    double VerifySeconds,
    long ResidentBytesBefore,
    long ResidentBytesMax)
{
    public double TransactionsPerSecond => Transactions / Seconds;

    public double ItemsPerSecond => Items / Seconds;

    public double VerifyTransactionsPerSecond => VerifySeconds > 0 ? Transactions / VerifySeconds : 0;

    public static readonly string[] Columns =
    [
        "passed", "failure", "blocks", "transactions", "items", "certified_blocks", "seconds", "tx_per_s", "items_per_s",
        "verify_s", "verify_tx_per_s", "rss_before_bytes", "rss_max_bytes",
    ];

    public string Row() => string.Join(',', new[]
    {
        Passed ? "true" : "false", Failure is null ? "" : "\"" + Failure.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        I(Blocks), I(Transactions), I(Items), I(CertifiedBlocks), F(Seconds, 2), F(TransactionsPerSecond, 0), F(ItemsPerSecond, 0),
        F(VerifySeconds, 2), F(VerifyTransactionsPerSecond, 0), I(ResidentBytesBefore), I(ResidentBytesMax),
    });

    /// <summary>The stdout line: the network rate beside the in-process rate on the same blocks.</summary>
    public string Line() => string.Create(
        CultureInfo.InvariantCulture,
        $"audit: {(Passed ? "passed" : "FAILED: " + Failure)} blocks={Blocks} transactions={Transactions} items={Items} certified_blocks={CertifiedBlocks} seconds={Seconds:F1} "
        + $"audit_tx_per_s={TransactionsPerSecond:F0} audit_items_per_s={ItemsPerSecond:F0} verify_tx_per_s={VerifyTransactionsPerSecond:F0} "
        + $"audit_rss_before_mb={ResidentBytesBefore / 1048576.0:F0} audit_rss_max_mb={ResidentBytesMax / 1048576.0:F0}");

    private static string I<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string F(double value, int decimals) => double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "";
}

/// <summary>
/// The scale run's closing step: audits the whole chain over the network, as <c>ledger audit
/// --genesis-file genesis.json --endpoint URL</c> does (the same <see cref="EndpointAudit"/> and
/// <see cref="ChainAuditor"/>, a client without a genesis of its own), in this process, sampling
/// this process's RSS while it runs.
/// </summary>
internal static class ChainAuditStep
{
    private static readonly TimeSpan ResidentSampleInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<AuditFigures> RunAsync(string publicUrl, ConsortiumGenesis genesis, CancellationToken cancellation)
    {
        // What the ingest left behind is not the audit's: collected first, so the RSS before is a floor.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var residentBefore = ResidentBytes();
        using var stopSampling = new CancellationTokenSource();
        var residentMax = SampleResidentMaxAsync(stopSampling.Token);

        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [new Uri(publicUrl)] });
        var started = Stopwatch.GetTimestamp();
        var status = await client.StatusAsync(cancellation).ConfigureAwait(false);
        var auditor = new ChainAuditor(genesis);
        long items = 0;
        var audit = new EndpointAudit(client, auditor) { GroupAudited = group => items += ItemsIn(group) };
        await audit.RunAsync(status.Height, cancellation).ConfigureAwait(false);
        await audit.RequireLatestCertifiedAsync(0, cancellation).ConfigureAwait(false);
        var seconds = Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-3);

        await stopSampling.CancelAsync().ConfigureAwait(false);
        var failure = auditor.Failure is { } f ? $"block {f.Height}: {f.Reason}" : auditor.VerifiedHeight < status.Height ? $"chain ended at {auditor.VerifiedHeight} of {status.Height}" : null;
        return new AuditFigures(failure is null, failure, auditor.VerifiedHeight, auditor.TransactionsVerified, items, auditor.CertifiedBlocks,
            seconds, audit.VerifyTime.TotalSeconds, residentBefore, Math.Max(await residentMax.ConfigureAwait(false), residentBefore));
    }

    /// <summary>Works under a group's committed registrations (a batch's count, one per single registration).</summary>
    private static long ItemsIn(IReadOnlyList<Block> group)
    {
        long items = 0;
        foreach (var block in group)
        {
            for (var i = 0; i < block.Transactions.Count; i++)
            {
                if (block.Results[i].Code != ResultCode.Ok)
                {
                    continue;
                }

                var envelope = TransactionEnvelope.Parser.ParseFrom(block.Transactions[i].Envelope);
                items += envelope.Type switch
                {
                    TransactionType.BatchRegister => BatchRegister.Parser.ParseFrom(envelope.Body).ItemCount,
                    TransactionType.RegisterWork => 1,
                    _ => 0,
                };
            }
        }

        return items;
    }

    private static async Task<long> SampleResidentMaxAsync(CancellationToken stop)
    {
        long max = 0;
        while (!stop.IsCancellationRequested)
        {
            max = Math.Max(max, ResidentBytes());
            try
            {
                await Task.Delay(ResidentSampleInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return Math.Max(max, ResidentBytes());
    }

    private static long ResidentBytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
