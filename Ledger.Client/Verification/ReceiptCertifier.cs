using Grpc.Core;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>
/// Turns a receipt whose inclusion proof checked against its (uncertified) header into a
/// <see cref="CheckedReceipt"/>: waits, within the certification wait, for a certificate of that
/// block from a quorum of the node set at its height (<see cref="NodeSetTracker"/>), requires the
/// receipt's header to be that very block, and moves the trusted log state with the certificate
/// (<see cref="LogStateTracker"/>). No certificate in time: <see cref="ReceiptStatus.CommittedNotCertified"/>.
/// </summary>
internal sealed class ReceiptCertifier
{
    /// <summary>Verified certificates kept by height, so receipts of one block are certified once.</summary>
    public const int CertificatesCachedMax = 64;

    private readonly IChainSource source;
    private readonly LogStateTracker tracker;
    private readonly NodeSetTracker nodeSets;
    private readonly IHashAlgorithm hash;
    private readonly LedgerClientOptions options;
    private readonly Dictionary<ulong, QuorumCertificate> cache = [];
    private readonly Queue<ulong> cacheOrder = new();
    private readonly Lock gate = new();

    public ReceiptCertifier(ConsortiumGenesis genesis, IChainSource source, LogStateTracker tracker, LedgerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        this.source = source;
        this.tracker = tracker;
        this.options = options;
        hash = CryptoSuites.Get(genesis.Suite).Hash;
        nodeSets = new NodeSetTracker(genesis);
    }

    public async Task<CheckedReceipt> CertifyAsync(Receipt receipt, CancellationToken cancellation)
    {
        var height = receipt.BlockHeight;
        var (certificate, failure) = await WaitForCertificateAsync(height, cancellation).ConfigureAwait(false);
        if (certificate is null)
        {
            return new CheckedReceipt(receipt, ReceiptStatus.CommittedNotCertified, null, $"committed in block {height}, not yet certified: {failure}");
        }

        if (!BlockHash.Compute(certificate.Header, hash).AsSpan().SequenceEqual(BlockHash.Compute(receipt.Header, hash)))
        {
            throw new ClientVerificationException($"the receipt's header of block {height} is not the header the consortium certified for that block: the serving node's receipt is not the ledger's");
        }

        await tracker.ObserveAsync(certificate, source.GetConsistencyProofAsync, cancellation).ConfigureAwait(false);
        return new CheckedReceipt(receipt, ReceiptStatus.Verified, certificate, "");
    }

    /// <summary>Checks a certified header a caller asked for; throws <see cref="ClientVerificationException"/> unless certified, and moves the trusted state.</summary>
    public async Task<QuorumCertificate> VerifyServedAsync(CertifiedHeader certified, CancellationToken cancellation)
    {
        var (certificate, failure) = await nodeSets.VerifyAsync(certified, source, cancellation).ConfigureAwait(false);
        if (certificate is null)
        {
            throw new ClientVerificationException($"certified header {certified.Header?.Height}: {failure}");
        }

        Remember(certificate);
        await tracker.ObserveAsync(certificate, source.GetConsistencyProofAsync, cancellation).ConfigureAwait(false);
        return certificate;
    }

    /// <summary>
    /// Polls for the block's certificate with capped exponential backoff until it verifies or
    /// <see cref="LedgerClientOptions.CertificationWait"/> ends (then null and the last reason).
    /// The wait bounds the asking, not the checking: a certificate being checked (which may first
    /// read the blocks not yet replayed) is checked to the end. Cancellation by the caller throws.
    /// </summary>
    private async Task<(QuorumCertificate? Certificate, string Failure)> WaitForCertificateAsync(ulong height, CancellationToken cancellation)
    {
        lock (gate)
        {
            if (cache.TryGetValue(height, out var known))
            {
                return (known, "");
            }
        }

        using var deadline = new CancellationTokenSource(options.CertificationWait, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, deadline.Token);
        var delay = options.CertificationPollInitial;
        var failure = "no node served a certificate for it";
        try
        {
            while (true)
            {
                try
                {
                    var served = await source.TryGetCertifiedHeaderAsync(height, linked.Token).ConfigureAwait(false);
                    if (served is not null)
                    {
                        // Checking is not waiting: the replay of the chain before it is bounded by the caller only.
                        var (certificate, why) = await nodeSets.VerifyAsync(served, source, cancellation).ConfigureAwait(false);
                        if (certificate is not null)
                        {
                            Remember(certificate);
                            return (certificate, "");
                        }

                        failure = $"the certificate served does not verify: {why}";
                    }
                    else
                    {
                        failure = "the node has no certificate for it yet";
                    }
                }
                catch (LedgerUnavailableException unavailable) when (!linked.IsCancellationRequested)
                {
                    failure = $"no node answered: {unavailable.Message}";
                }

                await Task.Delay(delay, options.TimeProvider, linked.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.CertificationPollMax.Ticks));
            }
        }
        catch (Exception exception) when (IsCancellation(exception) && deadline.IsCancellationRequested && !cancellation.IsCancellationRequested)
        {
            return (null, $"{failure} (waited {options.CertificationWait.TotalSeconds:0.#} s)");
        }
    }

    private static bool IsCancellation(Exception exception) =>
        exception is OperationCanceledException
        || exception is RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded }
        || exception is LedgerUnavailableException { InnerException: RpcException { StatusCode: StatusCode.Cancelled or StatusCode.DeadlineExceeded } };

    private void Remember(QuorumCertificate certificate)
    {
        lock (gate)
        {
            if (cache.TryAdd(certificate.Header.Height, certificate))
            {
                cacheOrder.Enqueue(certificate.Header.Height);
                if (cacheOrder.Count > CertificatesCachedMax)
                {
                    cache.Remove(cacheOrder.Dequeue());
                }
            }
        }
    }
}
