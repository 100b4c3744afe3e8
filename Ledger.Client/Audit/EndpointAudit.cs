using System.Diagnostics;
using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Client.Audit;

/// <summary>
/// Audits a node's chain over the network, as <c>ledger audit --endpoint</c> does: streams blocks
/// (first unverified height .. target) from the node in pages (<see cref="LedgerClient.GetBlocksAsync"/>,
/// which also resumes a dropped connection), and hands them to the <see cref="ChainAuditor"/> in groups
/// bounded by transactions, blocks and bytes, each with the node's certified headers for its blocks
/// (fetched concurrently). The CLI and the scale bench both run this, so the bench's network audit
/// rate is the user command's.
/// </summary>
public sealed class EndpointAudit
{
    /// <summary>Transactions per group handed to the auditor (one parallel pass each).</summary>
    public const int GroupTransactionsMax = 8_192;

    /// <summary>Certified headers fetched at once for one group of blocks.</summary>
    public const int CertifiedFetchesMax = 256;

    /// <summary>
    /// Block bytes (protobuf) held in one group before it is audited: with the one block the stream
    /// holds, what the audit buffers whatever the blocks' sizes (a block of bulk registrations runs to megabytes).
    /// </summary>
    public const long GroupBytesMax = 64L * 1024 * 1024;

    private readonly LedgerClient client;
    private readonly ChainAuditor auditor;
    private long verifyTicks;

    /// <summary>Audits the chain <paramref name="client"/> serves with <paramref name="auditor"/>, which keeps the state between calls.</summary>
    public EndpointAudit(LedgerClient client, ChainAuditor auditor)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(auditor);
        this.client = client;
        this.auditor = auditor;
    }

    /// <summary>Called after every group the auditor took (also the last group before a cut-off rethrows), with that group's blocks.</summary>
    public Action<IReadOnlyList<Block>>? GroupAudited { get; init; }

    /// <summary>Whether a checkpoint is due: the group is cut short for it, and <see cref="WriteCheckpointAsync"/> runs after it.</summary>
    public Func<bool> CheckpointDue { get; init; } = () => false;

    /// <summary>Writes the auditor's checkpoint (when <see cref="CheckpointDue"/> said so).</summary>
    public Func<CancellationToken, Task>? WriteCheckpointAsync { get; init; }

    /// <summary>
    /// Time spent inside <see cref="ChainAuditor.Append(IReadOnlyList{Block}, IReadOnlyList{IReadOnlyList{Attestation}?}?)"/>:
    /// the in-process verification of the same blocks, without the network and the waiting for it.
    /// </summary>
    public TimeSpan VerifyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref verifyTicks));

    /// <summary>
    /// Audits blocks from the auditor's verified height + 1 to <paramref name="targetHeight"/>. Returns early
    /// when the auditor finds a bad block (<see cref="ChainAuditor.Failure"/>). A node that stays away past
    /// the client's retries rethrows after the blocks that did arrive were audited.
    /// </summary>
    public async Task RunAsync(ulong targetHeight, CancellationToken cancellation)
    {
        var group = new List<Block>();
        var transactions = 0;
        var bytes = 0L;
        var blocks = client.GetBlocksAsync(auditor.VerifiedHeight + 1, targetHeight, cancellation).GetAsyncEnumerator(cancellation);
        await using var blocksScope = blocks.ConfigureAwait(false);
        while (true)
        {
            try
            {
                if (!await blocks.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception exception) when (exception is LedgerUnavailableException or RpcException && !cancellation.IsCancellationRequested)
            {
                // The node stayed away past the client's retries: audit what arrived, so a checkpoint written on the way out covers it.
                if (group.Count > 0)
                {
                    await AuditGroupAsync(group, cancellation).ConfigureAwait(false);
                }

                throw;
            }

            var block = blocks.Current;
            group.Add(block);
            transactions += block.Transactions.Count;
            bytes += block.CalculateSize();
            if (transactions < GroupTransactionsMax && group.Count < CertifiedFetchesMax && bytes < GroupBytesMax && !CheckpointDue())
            {
                continue;
            }

            if (!await AuditGroupAsync(group, cancellation).ConfigureAwait(false))
            {
                return;
            }

            if (CheckpointDue() && WriteCheckpointAsync is { } write)
            {
                await write(cancellation).ConfigureAwait(false);
            }

            group = [];
            transactions = 0;
            bytes = 0;
        }

        if (group.Count > 0)
        {
            await AuditGroupAsync(group, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a passed audit: the node's latest certified header must be one the audit found certified
    /// (blocks at or below <paramref name="resumedFromHeight"/> were checked by the run that wrote the checkpoint).
    /// </summary>
    public async Task RequireLatestCertifiedAsync(ulong resumedFromHeight, CancellationToken cancellation)
    {
        if (auditor.Failure is not null || auditor.VerifiedHeight == 0)
        {
            return;
        }

        var latest = await FetchCertifiedAsync(client, 0, cancellation).ConfigureAwait(false);
        if (latest is not null && latest.Header.Height > resumedFromHeight && latest.Header.Height <= auditor.VerifiedHeight)
        {
            auditor.RequireCertified(latest.Header.Height);
        }
    }

    /// <summary>The node's certified header at a height (0 = latest), unverified (the auditor checks it), or null when it has none.</summary>
    public static async Task<CertifiedHeader?> FetchCertifiedAsync(LedgerClient client, ulong height, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var request = new GetCertifiedHeaderRequest { Height = height };
            return await client.InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound || NotCertifiedAnswer.Is(exception))
        {
            return null;
        }
    }

    /// <summary>Audits a group of blocks with the node's certified headers for them; false once the auditor found a bad block.</summary>
    private async Task<bool> AuditGroupAsync(List<Block> group, CancellationToken cancellation)
    {
        var fetches = new Task<CertifiedHeader?>[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            fetches[i] = FetchCertifiedAsync(client, group[i].Header.Height, cancellation);
        }

        var certified = await Task.WhenAll(fetches).ConfigureAwait(false);
        var attestations = new IReadOnlyList<Attestation>?[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            attestations[i] = certified[i]?.Attestations;
        }

        var started = Stopwatch.GetTimestamp();
        var passed = auditor.Append(group, attestations);
        Interlocked.Add(ref verifyTicks, Stopwatch.GetTimestamp() - started);
        if (passed)
        {
            GroupAudited?.Invoke(group);
        }

        return passed;
    }
}
