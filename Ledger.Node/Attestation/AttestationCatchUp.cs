using Ledger.Core.Protocol;
using Ledger.Storage.Attestations;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Attestation;

/// <summary>
/// Certification catch-up: a node that was down, partitioned or slow while blocks were certified missed
/// the attestations broadcast for them, so it holds those blocks without a quorum and could not serve
/// evidence for them. This loop notices such gaps and pulls the missing attestations from peers.
/// <para>
/// Each round (at its own pace: every <see cref="AttestationCatchUpBounds.RoundIntervalMilliseconds"/>, soon
/// after a round that learned something, backing off to <see cref="AttestationCatchUpBounds.BackoffMaxMilliseconds"/>
/// while rounds learn nothing) scans the
/// heights this node applied — from where every lower height is known certified
/// (<see cref="AttestationStore.CertifiedThrough"/>, persisted, so a restart does not rescan the chain), at
/// most <see cref="AttestationCatchUpBounds.HeightsScannedPerRoundMax"/> of them — for ones it cannot certify,
/// and asks one peer after another for the first such range (at most
/// <see cref="AttestationCatchUpBounds.HeightsPerRequestMax"/> heights) until one answer adds attestations.
/// Heights applied since the previous round are left to the ordinary broadcast: certification trails apply.
/// </para>
/// <para>
/// A peer's answer can only add attestations that verify: it is checked whole at the boundary
/// (<see cref="AttestationCatchUpBoundary"/>), then each attestation against the node set at its height and
/// the block this node itself applied (<see cref="AttestationCollector.AcceptFetched"/>). A hostile peer can
/// waste a request, never make this node store an attestation that does not verify or certify a block it did not apply.
/// </para>
/// </summary>
public sealed partial class AttestationCatchUp : IAsyncDisposable
{
    private readonly AttestationCollector collector;
    private readonly AttestationStore store;
    private readonly Func<ulong> latestHeight;
    private readonly IAttestationSource source;
    private readonly string nodeId;
    private readonly int hashSizeBytes;
    private readonly AttestationCatchUpMetrics metrics;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task? loop;

    // Touched only by the loop (or a test driving rounds itself, never both).
    private ulong latestAtPreviousRound;
    private ulong scanCursor;
    private int nextPeer;
    private ulong peersCertifiedHeight;

    public AttestationCatchUp(
        AttestationCollector collector,
        AttestationStore store,
        Func<ulong> latestHeight,
        IAttestationSource source,
        string nodeId,
        int hashSizeBytes,
        AttestationCatchUpMetrics metrics,
        TimeProvider timeProvider,
        ILogger logger)
    {
        AttestationCatchUpBounds.Validate();
        this.collector = collector;
        this.store = store;
        this.latestHeight = latestHeight;
        this.source = source;
        this.nodeId = nodeId;
        this.hashSizeBytes = hashSizeBytes;
        this.metrics = metrics;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>The highest certified height peers reported in their answers (0 until one answered).</summary>
    public ulong PeersCertifiedHeight => peersCertifiedHeight;

    public void Start() => loop ??= Task.Run(RunAsync);

    /// <summary>
    /// One round: scan for heights this node cannot certify and ask peers for the first range of them.
    /// Public so tests can drive rounds without the loop (never while it runs).
    /// </summary>
    /// <param name="includeFreshHeights">Also chase heights applied since the previous round (tests; the loop leaves them to the broadcast).</param>
    public async Task<AttestationCatchUpRound> RunRoundAsync(CancellationToken cancellationToken, bool includeFreshHeights = false)
    {
        var latest = latestHeight();
        var target = includeFreshHeights ? latest : Math.Min(latest, latestAtPreviousRound);
        latestAtPreviousRound = latest;
        var through = Math.Min(store.CertifiedThrough, latest);
        var scanFrom = Math.Max(through + 1, scanCursor);
        if (scanFrom > target)
        {
            scanFrom = through + 1;
        }

        if (scanFrom > target)
        {
            metrics.UncertifiedHeights.Set(0);
            return AttestationCatchUpRound.NothingMissing;
        }

        var scanEnd = Math.Min(target, scanFrom + AttestationCatchUpBounds.HeightsScannedPerRoundMax - 1);
        var extendsPrefix = scanFrom == through + 1;
        ulong firstGap = 0;
        long uncertified = 0;
        for (var height = scanFrom; height <= scanEnd; height++)
        {
            if (collector.GetCertified(height) is null)
            {
                uncertified++;
                firstGap = firstGap == 0 ? height : firstGap;
                extendsPrefix = false;
            }
            else if (extendsPrefix)
            {
                through = height;
            }
        }

        store.MarkCertifiedThrough(through);
        metrics.CertifiedThrough.Set(store.CertifiedThrough);
        metrics.UncertifiedHeights.Set(uncertified + (long)(target - scanEnd));
        if (firstGap == 0)
        {
            scanCursor = scanEnd + 1;
            return AttestationCatchUpRound.NothingMissing;
        }

        var count = (uint)Math.Min(AttestationCatchUpBounds.HeightsPerRequestMax, target - firstGap + 1);
        var request = new GetAttestationsRequest { FromNodeId = nodeId, FromHeight = firstGap, HeightCount = count };
        var stored = await FetchAsync(request, cancellationToken).ConfigureAwait(false);

        // After progress, look at the same range again (it may now extend the certified prefix); otherwise move on to later gaps.
        scanCursor = stored > 0 ? firstGap : firstGap + count;
        return new AttestationCatchUpRound(firstGap, uncertified, stored);
    }

    /// <summary>Asks the peers in turn for <paramref name="request"/>'s heights until one answer stores something; returns how many were stored.</summary>
    private async Task<int> FetchAsync(GetAttestationsRequest request, CancellationToken cancellationToken)
    {
        var peers = source.Peers;
        for (var i = 0; i < peers.Count; i++)
        {
            var peer = peers[(nextPeer + i) % peers.Count];
            GetAttestationsResponse answer;
            try
            {
                answer = await source.GetAttestationsAsync(peer, request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics.RequestsFailed.Inc();
                LogPeerUnreachable(logger, peer, e.Message);
                continue;
            }

            var stored = Apply(peer, request, answer);
            if (stored > 0)
            {
                // Stay with a peer that helps.
                nextPeer = (nextPeer + i) % peers.Count;
                return stored;
            }
        }

        nextPeer = peers.Count == 0 ? 0 : (nextPeer + 1) % peers.Count;
        return 0;
    }

    /// <summary>Checks a peer's answer whole, then each attestation; returns how many were stored.</summary>
    public int Apply(ulong peer, GetAttestationsRequest request, GetAttestationsResponse answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answer);
        var refusal = AttestationCatchUpBoundary.CheckAnswer(request, answer, hashSizeBytes);
        if (refusal != AttestationAnswerRefusal.None)
        {
            var label = AttestationCatchUpBoundary.Label(refusal);
            metrics.AnswersRefused.WithLabels(label).Inc();
            LogAnswerRefused(logger, peer, label);
            return 0;
        }

        peersCertifiedHeight = Math.Max(peersCertifiedHeight, answer.CertifiedHeight);
        var stored = 0;
        var refused = 0;
        foreach (var attestation in answer.Attestations)
        {
            var outcome = collector.AcceptFetched(attestation);
            metrics.Fetched.WithLabels(FetchedAttestationOutcomes.Label(outcome)).Inc();
            switch (outcome)
            {
                case FetchedAttestationOutcome.Stored:
                    stored++;
                    break;
                case FetchedAttestationOutcome.NotAnAttester or FetchedAttestationOutcome.BadSignature or FetchedAttestationOutcome.OtherBlock:
                    refused++;
                    break;
            }
        }

        if (refused > 0)
        {
            LogAttestationsRefused(logger, peer, refused, request.FromHeight, answer.NextHeight);
        }

        if (stored > 0)
        {
            LogLearned(logger, stored, request.FromHeight, answer.NextHeight, peer);
        }

        return stored;
    }

    private async Task RunAsync()
    {
        var fruitlessRounds = 0;
        while (!stopping.IsCancellationRequested)
        {
            var fruitless = false;
            var productive = false;
            try
            {
                var round = await RunRoundAsync(stopping.Token).ConfigureAwait(false);
                fruitless = round.FirstUncertifiedHeight != 0 && round.Stored == 0;
                productive = round.Stored > 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                fruitless = true;
                LogRoundFailed(logger, e);
            }

            fruitlessRounds = fruitless ? Math.Min(fruitlessRounds + 1, 16) : 0;
            try
            {
                var pause = productive ? TimeSpan.FromMilliseconds(AttestationCatchUpBounds.RoundIntervalAfterProgressMilliseconds) : Pause(fruitlessRounds);
                await Task.Delay(pause, timeProvider, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The pause before the next round: the round interval, doubled per fruitless round up to the backoff bound.</summary>
    public static TimeSpan Pause(int fruitlessRounds)
    {
        var milliseconds = Math.Min(
            AttestationCatchUpBounds.BackoffMaxMilliseconds,
            AttestationCatchUpBounds.RoundIntervalMilliseconds * Math.Pow(2, Math.Clamp(fruitlessRounds, 0, 16)));
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Learned the certification of heights {FromHeight}..{NextHeight} (exclusive) from peer {Peer}: {Stored} attestations verified and stored")]
    private static partial void LogLearned(ILogger logger, int stored, ulong fromHeight, ulong nextHeight, ulong peer);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Attestation answer from peer {Peer} refused at the boundary: {Reason}")]
    private static partial void LogAnswerRefused(ILogger logger, ulong peer, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Peer {Peer} relayed {Refused} attestations for heights {FromHeight}..{NextHeight} (exclusive) that do not verify here (not an attester, bad signature, or another block than this node applied); none of them stored")]
    private static partial void LogAttestationsRefused(ILogger logger, ulong peer, int refused, ulong fromHeight, ulong nextHeight);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug, Message = "Peer {Peer} did not answer an attestation request: {Reason}")]
    private static partial void LogPeerUnreachable(ILogger logger, ulong peer, string reason);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Error, Message = "Certification catch-up round failed; retrying after a pause")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}

/// <summary>What one catch-up round found and did.</summary>
/// <param name="FirstUncertifiedHeight">The first height found without certification here (0: none in the scan).</param>
/// <param name="UncertifiedInScan">Heights of the scan this node could not certify.</param>
/// <param name="Stored">Attestations peers relayed that verified and were stored.</param>
public sealed record AttestationCatchUpRound(ulong FirstUncertifiedHeight, long UncertifiedInScan, int Stored)
{
    public static AttestationCatchUpRound NothingMissing { get; } = new(0, 0, 0);
}
