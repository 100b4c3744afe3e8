using System.Threading.Channels;
using Ledger.Consensus;
using Ledger.Node.Consensus;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Governance;

/// <summary>
/// On the leader, drives Raft's membership toward the registry's active nodes, one
/// <see cref="MembershipPlan"/> step at a time. It wakes when the registry's nodes or the applied
/// membership change, when leadership changes, and every <c>interval</c> otherwise (a learner catching
/// up, a refused or lost proposal, a transfer that timed out). Nothing is remembered between rounds:
/// each round re-reads Raft's status, so a new leader or a restarted node simply continues. On every
/// node (leader or not) a round also refreshes the <see cref="NodeDirectory"/> from Raft's status and
/// the registry, which covers state installed from a snapshot.
/// </summary>
public sealed partial class MembershipReconciler : IAsyncDisposable
{
    /// <summary>Wake-ups coalesce: one pending signal is enough to cause a new round.</summary>
    private const int PendingSignalsMax = 1;

    private readonly RaftDriver driver;
    private readonly NodeDirectory directory;
    private readonly TimeSpan interval;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly Channel<bool> signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(PendingSignalsMax) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    private readonly Func<ulong, ulong?> raftIndexOfBlock;

    public MembershipReconciler(RaftDriver driver, NodeDirectory directory, Func<ulong, ulong?> raftIndexOfBlock, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        this.driver = driver;
        this.raftIndexOfBlock = raftIndexOfBlock;
        this.directory = directory;
        this.interval = interval;
        this.timeProvider = timeProvider;
        this.logger = logger;
        directory.Changed += Nudge;
        driver.SoftStateChanged += _ => Nudge();
    }

    public void Start() => loop ??= Task.Run(() => RunAsync(stopping.Token));

    /// <summary>Asks for a round soon; cheap and safe from any thread (the drive loop calls it).</summary>
    public void Nudge() => signals.Writer.TryWrite(true);

    private async Task RunAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await WaitForWakeAsync(token).ConfigureAwait(false);
                await RoundAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (DriverStoppedException)
            {
                return;
            }
            catch (DriverBusyException)
            {
                // The loop is saturated; the next round retries.
            }
        }
    }

    private async Task WaitForWakeAsync(CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(interval, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        try
        {
            await signals.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
        }
    }

    private async Task RoundAsync(CancellationToken token)
    {
        // Every node keeps its directory honest, also after a snapshot replaced state without an apply hook.
        directory.ReloadIfStale();
        var status = await driver.InspectAsync(token).ConfigureAwait(false);
        directory.OnRaftMembershipApplied(status.Applied, status.ConfState);
        if (status.SoftState.Role != RaftRole.Leader)
        {
            return;
        }

        var step = MembershipPlan.Next(status, directory.Nodes, raftIndexOfBlock);
        switch (step)
        {
            case null:
                return;
            case MembershipStep.Propose propose:
                var dropped = await driver.ProposeConfChangeAsync(propose.Change, token).ConfigureAwait(false);
                if (dropped is { } reason)
                {
                    // ConfChangePending is the normal answer while the previous change commits.
                    LogRefused(logger, step.ToString(), reason);
                }
                else
                {
                    LogProposed(logger, step.ToString(), status.ConfState.ToString());
                }

                return;
            case MembershipStep.TransferLeadership transfer:
                LogTransferring(logger, transfer.Target);
                driver.TryTransferLeadership(transfer.Target);
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        directory.Changed -= Nudge;
        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Membership: proposed {Step} (Raft membership was {Membership})")]
    private static partial void LogProposed(ILogger logger, string step, string membership);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "Membership: {Step} refused for now ({Reason}); retrying")]
    private static partial void LogRefused(ILogger logger, string step, ProposalDropReason reason);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Membership: transferring leadership to {Target} (this leader was removed, or a lagging voter cannot know it yet)")]
    private static partial void LogTransferring(ILogger logger, ulong target);
}
