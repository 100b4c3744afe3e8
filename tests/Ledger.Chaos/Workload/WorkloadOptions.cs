using Ledger.Core.Consortium;

namespace Ledger.Chaos.Workload;

/// <summary>What the workload runs against and how hard. Checked once by <see cref="Validate"/>.</summary>
public sealed class WorkloadOptions
{
    /// <summary>The nodes' public endpoints (http, or https with <see cref="TlsCaPem"/>).</summary>
    public required IReadOnlyList<WorkloadNode> Nodes { get; init; }

    /// <summary>The consortium genesis file's bytes: the chain id for signing, the trust anchor of evidence bundles (which carry it verbatim).</summary>
    public required byte[] GenesisBytes { get; init; }

    /// <summary>Members that register works; writing client i signs as signer i mod count.</summary>
    public required IReadOnlyList<WorkloadSigner> Signers { get; init; }

    /// <summary>PEM of the consortium TLS CA, when the public endpoints are https.</summary>
    public string? TlsCaPem { get; init; }

    /// <summary>Target registrations per second across all writing clients (one shared token bucket).</summary>
    public int RegistrationsPerSecond { get; init; } = 2_000;

    /// <summary>Writing clients, each with its own connections, signer and SubmitStreams.</summary>
    public int ClientCount { get; init; } = 4;

    /// <summary>Reading clients; each has one read outstanding at a time.</summary>
    public int ReaderCount { get; init; } = 4;

    /// <summary>Target reads per second across all readers (half linearizable, half local).</summary>
    public int ReadsPerSecond { get; init; } = 200;

    /// <summary>Registrations per thousand that reuse another client's recent content hash (real compare-and-set conflicts).</summary>
    public int DuplicatesPerThousand { get; init; } = 10;

    /// <summary>Evidence bundles exported during the run, at most (0 = none; none either without a <see cref="RunDirectory"/>).</summary>
    public int EvidenceExportsMax { get; init; } = 20;

    /// <summary>Pause between evidence exports.</summary>
    public TimeSpan EvidenceInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where evidence bundles are written (under <c>evidence/</c>); null = no export.</summary>
    public string? RunDirectory { get; init; }

    /// <summary>Seeds content hashes, duplicate choice, read targets and consistency.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// How long one SubmitStream attempt may take before its answers count as lost. Keep it
    /// above the nodes' SubmitTimeout (10 s by default), or answers that are merely slow count as lost.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one read may take (a linearizable read waits for a leader's ReadIndex, which may not come during an election).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Once the run is cancelled, how long operations already sent may still complete before they are recorded as Unknown.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Rate limiting, backoff and timeouts; transactions' created time too.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ConsortiumGenesis ParseGenesis() => ConsortiumGenesis.Parse(GenesisBytes);

    public void Validate()
    {
        if (Nodes is null || Nodes.Count == 0)
        {
            throw new ArgumentException("at least one node is needed", nameof(Nodes));
        }

        if (Signers is null || Signers.Count == 0)
        {
            throw new ArgumentException("at least one signer is needed", nameof(Signers));
        }

        ArgumentNullException.ThrowIfNull(GenesisBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(RegistrationsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RegistrationsPerSecond, WorkloadLimits.RegistrationsPerSecondMax);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClientCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ClientCount, WorkloadLimits.ClientCountMax);
        ArgumentOutOfRangeException.ThrowIfNegative(ReaderCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReaderCount, WorkloadLimits.ReaderCountMax);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadsPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReadsPerSecond, WorkloadLimits.ReadsPerSecondMax);
        ArgumentOutOfRangeException.ThrowIfNegative(DuplicatesPerThousand);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DuplicatesPerThousand, WorkloadLimits.DuplicatesPerThousandMax);
        ArgumentOutOfRangeException.ThrowIfNegative(EvidenceExportsMax);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EvidenceExportsMax, WorkloadLimits.EvidenceExportsMax);
        if (EvidenceInterval <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero || DrainTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(EvidenceInterval)}, {nameof(AttemptTimeout)} and {nameof(ReadTimeout)} must be positive, {nameof(DrainTimeout)} not negative");
        }

        WorkloadLimits.Check();
    }
}
