using Prometheus;

namespace Ledger.Node.Attestation;

/// <summary>What an operator watches of certification catch-up, registered in the node's own metrics registry.</summary>
public sealed class AttestationCatchUpMetrics
{
    public AttestationCatchUpMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        Fetched = factory.CreateCounter("ledger_attestations_fetched_total", "Attestations peers relayed for blocks this node holds without their certification, by outcome (stored, or why not: see FetchedAttestationOutcome)", new CounterConfiguration { LabelNames = ["outcome"] });
        AnswersRefused = factory.CreateCounter("ledger_attestation_answers_refused_total", "GetAttestations answers from peers refused whole at the boundary, by reason", new CounterConfiguration { LabelNames = ["reason"] });
        RequestsFailed = factory.CreateCounter("ledger_attestation_requests_failed_total", "GetAttestations calls to peers that failed (unreachable, deadline, refused)");
        UncertifiedHeights = factory.CreateGauge("ledger_attestation_uncertified_heights", "Applied heights this node cannot certify itself (no quorum of attestations stored), as of its last catch-up scan; heights beyond one scan's reach count as uncertified");
        CertifiedThrough = factory.CreateGauge("ledger_attestation_certified_through_height", "Every height up to this one is certified on this node");
    }

    /// <summary>Label <c>outcome</c>: a <see cref="FetchedAttestationOutcomes.Label"/>.</summary>
    public Counter Fetched { get; }

    /// <summary>Label <c>reason</c>: an <see cref="AttestationCatchUpBoundary.Label"/>.</summary>
    public Counter AnswersRefused { get; }

    public Counter RequestsFailed { get; }

    public Gauge UncertifiedHeights { get; }

    public Gauge CertifiedThrough { get; }
}
