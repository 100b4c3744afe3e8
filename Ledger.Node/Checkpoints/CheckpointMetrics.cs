using Prometheus;

namespace Ledger.Node.Checkpoints;

/// <summary>Witness cosignatures this node accepted and refused, on the node's own metrics registry.</summary>
public sealed class CheckpointMetrics
{
    public CheckpointMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        Cosignatures = factory.CreateCounter("ledger_witness_cosignatures_total", "Witness cosignatures of this node's checkpoints accepted and stored, by witness (member id)", new CounterConfiguration { LabelNames = ["witness"] });
        CosignaturesRefused = factory.CreateCounter("ledger_witness_cosignatures_refused_total", "AddCosignature calls refused, by reason: malformed, unregistered, bad_signature, not_issued", new CounterConfiguration { LabelNames = ["reason"] });
    }

    /// <summary>Label <c>witness</c>: the witness's member id (registered witnesses only, so the label set is bounded by the consortium).</summary>
    public Counter Cosignatures { get; }

    /// <summary>Label <c>reason</c>: one of <see cref="CosignatureRefusals"/>.</summary>
    public Counter CosignaturesRefused { get; }
}

/// <summary>The bounded label values of <see cref="CheckpointMetrics.CosignaturesRefused"/>.</summary>
public static class CosignatureRefusals
{
    public const string Malformed = "malformed";
    public const string Unregistered = "unregistered";
    public const string BadSignature = "bad_signature";
    public const string NotIssued = "not_issued";
}
