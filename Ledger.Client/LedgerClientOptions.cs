using Ledger.Core.Consortium;

namespace Ledger.Client;

/// <summary>How a <see cref="LedgerClient"/> reaches and trusts the consortium.</summary>
public sealed class LedgerClientOptions
{
    /// <summary>Public URLs of the nodes; calls start at the first and fail over in order.</summary>
    public required IReadOnlyList<Uri> Endpoints { get; init; }

    /// <summary>
    /// The trust anchor: the consortium genesis, from bytes the caller trusts (its own copy of the
    /// file, or bytes checked against a pinned SHA-256), never from the node being checked. It gives
    /// the chain id, the chain hash and the genesis node keys; node changes after it are replayed
    /// from the chain. Without it no receipt is ever <see cref="Verification.ReceiptStatus.Verified"/>.
    /// </summary>
    public ConsortiumGenesis? Genesis { get; init; }

    /// <summary>PEM of the consortium TLS CA; when set, node certificates must chain to it.</summary>
    public string? TlsCaPem { get; init; }

    /// <summary>Deadline of one attempt of one call.</summary>
    public TimeSpan AttemptDeadline { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one call across endpoints and leader redirects, including the first.</summary>
    public int AttemptsMax { get; init; } = 8;

    /// <summary>First pause before a retry; doubles up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest pause between retries.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one call keeps retrying answers that say "no leader is known"
    /// (<see cref="Core.Protocol.LeaderHint.NoLeaderTrailerKey"/>: an election is under way) before
    /// they count against <see cref="AttemptsMax"/>; the retries go round the endpoints with the same
    /// capped backoff. An election usually ends within a second or two; the default covers several.
    /// Zero counts them like any other failure.
    /// </summary>
    public TimeSpan LeaderWaitMax { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Check every receipt's inclusion proof against its header and every header against the last
    /// trusted one (consistency proof). On by default; turning it off trusts the node's word.
    /// </summary>
    public bool VerifyResponses { get; init; } = true;

    /// <summary>
    /// How long a submit or receipt call waits for its block to be certified by a quorum before it
    /// returns <see cref="Verification.ReceiptStatus.CommittedNotCertified"/>.
    /// </summary>
    public TimeSpan CertificationWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First pause between asks for a block's certificate; doubles up to <see cref="CertificationPollMax"/>.</summary>
    public TimeSpan CertificationPollInitial { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest pause between asks for a block's certificate.</summary>
    public TimeSpan CertificationPollMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Replaces the HTTP handler (tests, proxies).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The clock for deadlines and backoff (tests inject a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every option and the bounds between them; called by the <see cref="LedgerClient"/> constructor.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("at least one endpoint is needed", nameof(Endpoints));
        }

        if (AttemptsMax < 1)
        {
            throw new ArgumentException($"{nameof(AttemptsMax)} must be at least 1, was {AttemptsMax}", nameof(AttemptsMax));
        }

        if (BackoffInitial <= TimeSpan.Zero || BackoffMax < BackoffInitial)
        {
            throw new ArgumentException($"backoff must satisfy 0 < {nameof(BackoffInitial)} <= {nameof(BackoffMax)}");
        }

        if (CertificationWait <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(CertificationWait)} must be positive", nameof(CertificationWait));
        }

        if (CertificationPollInitial <= TimeSpan.Zero || CertificationPollMax < CertificationPollInitial)
        {
            throw new ArgumentException($"certification polling must satisfy 0 < {nameof(CertificationPollInitial)} <= {nameof(CertificationPollMax)}");
        }

        if (LeaderWaitMax < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(LeaderWaitMax)} must not be negative", nameof(LeaderWaitMax));
        }

        if (AttemptDeadline <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(AttemptDeadline)} must be positive", nameof(AttemptDeadline));
        }
    }
}
