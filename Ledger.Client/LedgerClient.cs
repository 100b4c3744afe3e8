using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Client.Verification;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Client;

/// <summary>
/// Typed client of the public <c>LedgerApi</c>. Calls go to the current endpoint; on
/// <c>Unavailable</c> carrying a <see cref="LeaderHint.TrailerKey"/> trailer (a URL, or the leader's node id, matched to an endpoint by asking each endpoint its status) the call is retried there,
/// otherwise at the next endpoint, with capped exponential backoff; answers that say no leader is known
/// (<see cref="LeaderHint.NoLeaderTrailerKey"/>) are retried so for up to <see cref="LedgerClientOptions.LeaderWaitMax"/> before they count as failed attempts (<see cref="NoLeaderWait"/>); a "not certified (yet)" answer moves to
/// the next endpoint too, once per endpoint (<see cref="NotCertifiedFailover"/>). Every call here is safe to
/// retry: reads trivially, submits because a signed transaction has one hash and the ledger
/// de-duplicates it. Receipts and headers are verified client-side unless disabled: a receipt is
/// <see cref="ReceiptStatus.Verified"/> only against a header certified by a quorum of the node
/// set at its height, anchored in <see cref="LedgerClientOptions.Genesis"/>.
/// </summary>
public sealed partial class LedgerClient : IAsyncDisposable
{
    private readonly LedgerClientOptions options;
    private readonly Dictionary<string, GrpcChannel> channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Uri> endpointByNodeId = new(StringComparer.Ordinal);
    private static readonly TimeSpan NodeIdLookupDeadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    private readonly Lock gate = new();
    private readonly LogStateTracker tracker;
    private readonly ReceiptCertifier? certifier;
    private readonly X509Certificate2? tlsCa;
    private Uri current;

    /// <summary>A client for the nodes in <paramref name="options"/> (validated here); it connects lazily, on the first call.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="LedgerClientOptions.Validate"/>).</exception>
    public LedgerClient(LedgerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        current = options.Endpoints[0];
        ChainHash = options.Genesis is null ? Sha256HashAlgorithm.Instance : CryptoSuites.Get(options.Genesis.Suite).Hash;
        tracker = new LogStateTracker(ChainHash);
        certifier = options.Genesis is not null && options.VerifyResponses ? new ReceiptCertifier(options.Genesis, new ChainSource(this), tracker, options) : null;
        tlsCa = options.TlsCaPem is null ? null : X509Certificate2.CreateFromPem(options.TlsCaPem);
    }

    /// <summary>The consortium suite's hash (SHA-256 when no genesis is configured).</summary>
    public IHashAlgorithm ChainHash { get; }

    /// <summary>The genesis the client verifies against (null: receipts are the node's word).</summary>
    public ConsortiumGenesis? Genesis => options.Genesis;

    /// <summary>The newest log state certified by a quorum and consistent with every earlier one (null until the first certified header).</summary>
    public TrustedLogState? TrustedState => tracker.Trusted;

    /// <summary>The endpoint the next call goes to first (the last one that answered, or a leader hint).</summary>
    public Uri CurrentEndpoint
    {
        get
        {
            lock (gate)
            {
                return current;
            }
        }
    }

    /// <summary>
    /// Submits and waits for the receipt, then checks it: the inclusion proof against its header
    /// (a failure throws <see cref="ClientVerificationException"/>) and, within
    /// <see cref="LedgerClientOptions.CertificationWait"/>, that header's certification by a quorum
    /// of the node set at its height. The status says how far it got; only
    /// <see cref="ReceiptStatus.Verified"/> means the consortium committed it.
    /// </summary>
    public async Task<CheckedReceipt> SubmitAsync(SignedTransaction transaction, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = new SubmitRequest { Transaction = transaction };
        var response = await InvokeAsync((api, call) => api.SubmitAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        if (response.Receipt is null)
        {
            throw new ClientVerificationException($"node answered Submit without a receipt (error {response.ErrorCode}: {response.ErrorMessage})");
        }

        return await CheckReceiptAsync(response.Receipt, TransactionHashing.ComputeHash(ChainHash, transaction), cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Submits many transactions over one SubmitStream; returns one outcome per transaction in
    /// input order: a receipt checked as by <see cref="SubmitAsync"/>, or that submission's error.
    /// </summary>
    public async Task<IReadOnlyList<SubmitOutcome>> SubmitManyAsync(IReadOnlyList<SignedTransaction> transactions, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        var responses = await InvokeAsync(async (api, call) =>
        {
            using var stream = api.SubmitStream(call);
            var results = new SubmitResponse?[transactions.Count];
            var reader = Task.Run(async () =>
            {
                while (await stream.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                {
                    var response = stream.ResponseStream.Current;
                    if (response.CorrelationId < (ulong)results.Length)
                    {
                        results[response.CorrelationId] = response;
                    }
                }
            }, cancellation);
            for (var i = 0; i < transactions.Count; i++)
            {
                await stream.RequestStream.WriteAsync(new SubmitRequest { Transaction = transactions[i], CorrelationId = (ulong)i }, cancellation).ConfigureAwait(false);
            }

            await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            return results;
        }, cancellation, streaming: true).ConfigureAwait(false);
        var list = new List<SubmitOutcome>(transactions.Count);
        for (var i = 0; i < responses.Length; i++)
        {
            var response = responses[i] ?? new SubmitResponse { CorrelationId = (ulong)i, ErrorCode = (int)StatusCode.Unknown, ErrorMessage = "no response" };
            list.Add(response.Receipt is null
                ? SubmitOutcome.Failed(response)
                : new SubmitOutcome(response.CorrelationId, await CheckReceiptAsync(response.Receipt, TransactionHashing.ComputeHash(ChainHash, transactions[i]), cancellation).ConfigureAwait(false), 0, ""));
        }

        return list;
    }

    /// <summary>The transaction with hash <paramref name="txHash"/> and, when <paramref name="includeReceipt"/>, its receipt as the node served it (unchecked; see <see cref="GetReceiptAsync"/>).</summary>
    public Task<GetTransactionResponse> GetTransactionAsync(byte[] txHash, bool includeReceipt = true, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetTransactionRequest { TxHash = ByteString.CopyFrom(txHash), IncludeReceipt = includeReceipt, Consistency = consistency };
        return InvokeAsync((api, call) => api.GetTransactionAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The receipt of a committed transaction, checked as by <see cref="SubmitAsync"/>.</summary>
    public async Task<CheckedReceipt> GetReceiptAsync(byte[] txHash, CancellationToken cancellation = default)
    {
        var response = await GetTransactionAsync(txHash, includeReceipt: true, cancellation: cancellation).ConfigureAwait(false);
        var receipt = response.Receipt ?? throw new ClientVerificationException("node returned the transaction without a receipt");
        if (response.Transaction is not null && !TransactionHashing.ComputeHash(ChainHash, response.Transaction).AsSpan().SequenceEqual(txHash))
        {
            throw new ClientVerificationException("node returned a transaction that does not hash to the requested hash");
        }

        return await CheckReceiptAsync(receipt, txHash, cancellation).ConfigureAwait(false);
    }

    /// <summary>The block at <paramref name="height"/> (heights start at 1) as the node served it; <see cref="Audit.ChainAuditor"/> checks blocks.</summary>
    public Task<Block> GetBlockAsync(ulong height, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetBlockRequest { Height = height, Consistency = consistency };
        return InvokeAsync((api, call) => api.GetBlockAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The proof that transaction <paramref name="txHash"/> is in the log of <paramref name="treeSize"/> leaves (0 = the node's latest).</summary>
    public Task<GetInclusionProofResponse> GetInclusionProofAsync(byte[] txHash, ulong treeSize = 0, CancellationToken cancellation = default)
    {
        var request = new GetInclusionProofRequest { TxHash = ByteString.CopyFrom(txHash), TreeSize = treeSize };
        return InvokeAsync((api, call) => api.GetInclusionProofAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The RFC 9162 proof that the log of <paramref name="firstSize"/> leaves is a prefix of the one of <paramref name="secondSize"/>.</summary>
    public Task<ConsistencyProof> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation = default)
    {
        var request = new GetConsistencyProofRequest { FirstSize = firstSize, SecondSize = secondSize };
        return InvokeAsync((api, call) => api.GetConsistencyProofAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>
    /// A certified header (0 = latest). With a genesis (and verification on) it is checked against
    /// the node set in force at its height and moves the trusted log state; a header that is not
    /// certified throws <see cref="ClientVerificationException"/>, one inconsistent with the trusted
    /// state <see cref="ForkDetectedException"/>. Without a genesis it is the node's word, unchecked.
    /// </summary>
    public async Task<CertifiedHeader> GetCertifiedHeaderAsync(ulong height = 0, CancellationToken cancellation = default)
    {
        var request = new GetCertifiedHeaderRequest { Height = height };
        var certified = await InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        if (certifier is not null)
        {
            await certifier.VerifyServedAsync(certified, cancellation).ConfigureAwait(false);
        }

        return certified;
    }

    /// <summary>
    /// A certified header checked against <paramref name="consortium"/>, the node set in force
    /// for it (genesis plus the governance changes before its height; see <see cref="ConsortiumState"/>).
    /// </summary>
    public async Task<CertifiedHeader> GetCertifiedHeaderAsync(ulong height, ConsortiumState consortium, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(consortium);
        var request = new GetCertifiedHeaderRequest { Height = height };
        var certified = await InvokeAsync((api, call) => api.GetCertifiedHeaderAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        if (options.VerifyResponses)
        {
            var certificate = QuorumCertificate.TryVerify(certified, consortium, out var failure)
                ?? throw new ClientVerificationException($"certified header {certified.Header?.Height}: {failure}");
            await tracker.ObserveAsync(certificate, GetConsistencyProofAsync, cancellation).ConfigureAwait(false);
        }

        return certified;
    }

    /// <summary>The answering node's status: chain id, height, log size, role and leader.</summary>
    public Task<StatusResponse> StatusAsync(CancellationToken cancellation = default) =>
        InvokeAsync((api, call) => api.StatusAsync(new StatusRequest(), call).ResponseAsync, cancellation);

    /// <summary>Runs one call with failover, leader redirects, per-attempt deadlines and capped backoff.</summary>
    public Task<T> InvokeAsync<T>(Func<LedgerApi.LedgerApiClient, CallOptions, Task<T>> call, CancellationToken cancellation, bool streaming = false)
    {
        ArgumentNullException.ThrowIfNull(call);
        return InvokeOnChannelAsync((channel, options) => call(new LedgerApi.LedgerApiClient(channel), options), cancellation, streaming);
    }

    /// <summary><see cref="InvokeAsync{T}"/> for any service of the node's public port.</summary>
    private async Task<T> InvokeOnChannelAsync<T>(Func<GrpcChannel, CallOptions, Task<T>> call, CancellationToken cancellation, bool streaming = false)
    {
        RpcException? last = null;
        var notCertified = new NotCertifiedFailover(options.Endpoints.Count);
        var noLeader = new NoLeaderWait(options.LeaderWaitMax, options.TimeProvider);
        var tries = 0;
        for (var attempt = 0; attempt < options.AttemptsMax; attempt++)
        {
            if (tries > 0)
            {
                await Task.Delay(Backoff(tries), options.TimeProvider, cancellation).ConfigureAwait(false);
            }

            tries++;

            var endpoint = CurrentEndpoint;
            var channel = Channel(endpoint);
            var deadline = streaming ? (DateTime?)null : options.TimeProvider.GetUtcNow().UtcDateTime + options.AttemptDeadline;
            try
            {
                return await call(channel, new CallOptions(deadline: deadline, cancellationToken: cancellation)).ConfigureAwait(false);
            }
            catch (RpcException exception) when (IsRetryable(exception.StatusCode) && !cancellation.IsCancellationRequested)
            {
                last = exception;
                if (noLeader.KeepsWaiting(exception))
                {
                    // An election under way: retried with backoff without spending the failover budget.
                    attempt--;
                }

                await LearnLeaderEndpointAsync(exception, cancellation).ConfigureAwait(false);
                Redirect(exception);
            }
            catch (RpcException exception) when (notCertified.ShouldTryAnotherEndpoint(exception, endpoint) && !cancellation.IsCancellationRequested)
            {
                // Another node may hold the certification this one has not learned yet: that answer carries no leader hint, so this moves to the next endpoint.
                last = exception;
                Redirect(exception);
            }
        }

        throw new LedgerUnavailableException($"no node answered after {options.AttemptsMax} attempts (last: {last?.StatusCode} {last?.Status.Detail} at {CurrentEndpoint})", last!);
    }

    /// <summary>Closes every channel the client opened.</summary>
    public async ValueTask DisposeAsync()
    {
        List<GrpcChannel> all;
        lock (gate)
        {
            all = [.. channels.Values];
            channels.Clear();
        }

        foreach (var channel in all)
        {
            await channel.ShutdownAsync().ConfigureAwait(false);
            channel.Dispose();
        }

        tlsCa?.Dispose();
    }

    internal TimeSpan Backoff(int attempt)
    {
        var factor = Math.Pow(2, Math.Max(0, attempt - 1));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.BackoffMax.Ticks, options.BackoffInitial.Ticks * factor));
        return delay;
    }

    private static bool IsRetryable(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Aborted;

    /// <summary>
    /// Nodes name the leader by node id (they know each other's peer addresses, not the public ones), so
    /// the first time a hint names an unknown id the client asks each configured endpoint for its id.
    /// </summary>
    private async Task LearnLeaderEndpointAsync(RpcException exception, CancellationToken cancellation)
    {
        var hint = exception.Trailers?.GetValue(LeaderHint.TrailerKey);
        if (string.IsNullOrWhiteSpace(hint) || Uri.TryCreate(hint, UriKind.Absolute, out _))
        {
            return;
        }

        lock (gate)
        {
            if (endpointByNodeId.ContainsKey(hint))
            {
                return;
            }
        }

        foreach (var endpoint in options.Endpoints)
        {
            try
            {
                var deadline = options.TimeProvider.GetUtcNow().UtcDateTime + NodeIdLookupDeadline;
                var status = await new LedgerApi.LedgerApiClient(Channel(endpoint)).StatusAsync(new StatusRequest(), new CallOptions(deadline: deadline, cancellationToken: cancellation)).ResponseAsync.ConfigureAwait(false);
                lock (gate)
                {
                    endpointByNodeId[status.NodeId] = endpoint;
                }
            }
            catch (RpcException)
            {
                // That endpoint is down or slow; the others may still name the leader.
            }
        }
    }

    /// <summary>Follows a leader hint (a URL, or a node id learned from the endpoints' status) if the node gave one, else moves to the next configured endpoint.</summary>
    private void Redirect(RpcException exception)
    {
        var hint = exception.Trailers?.GetValue(LeaderHint.TrailerKey);
        lock (gate)
        {
            if (!string.IsNullOrWhiteSpace(hint) && Uri.TryCreate(hint, UriKind.Absolute, out var leader) && leader != current)
            {
                current = leader;
                return;
            }

            if (!string.IsNullOrWhiteSpace(hint) && endpointByNodeId.TryGetValue(hint, out var leaderEndpoint) && leaderEndpoint != current)
            {
                current = leaderEndpoint;
                return;
            }

            var index = -1;
            for (var i = 0; i < options.Endpoints.Count; i++)
            {
                if (options.Endpoints[i] == current)
                {
                    index = i;
                    break;
                }
            }

            current = options.Endpoints[(index + 1) % options.Endpoints.Count];
        }
    }

    private GrpcChannel Channel(Uri endpoint)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(endpoint.AbsoluteUri, out var channel))
            {
                channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
                {
                    HttpHandler = options.HttpHandler ?? CreateHandler(),
                    DisposeHttpClient = options.HttpHandler is null,

                    // A block is one message and may be far larger than gRPC's 4 MB default (a batch of bulk registrations).
                    MaxReceiveMessageSize = BlockReadLimits.BlockMessageBytesMax,
                });
                channels[endpoint.AbsoluteUri] = channel;
            }

            return channel;
        }
    }

    private SocketsHttpHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),

            // Streams (GetBlocks pages, Watch) have no deadline: a connection that silently died is found by its unanswered ping.
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        if (tlsCa is not null)
        {
            var ca = tlsCa;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && ConsortiumCertificateAuthority.ChainsTo(new X509Certificate2(certificate), ca, DateTimeOffset.UtcNow),
            };
        }

        return handler;
    }
}
