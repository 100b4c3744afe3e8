using Prometheus;

namespace Ledger.Node.Integrity;

/// <summary>The integrity scan's figures, in the node's Prometheus registry (<see cref="Metrics.NodeMetrics.Registry"/>).</summary>
public sealed class IntegrityScanMetrics
{
    public IntegrityScanMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
        BlocksScanned = factory.CreateCounter("ledger_integrity_scan_blocks_total", "Blocks the background integrity scan verified (hash, link, tx root, log root, index)");
        BytesRead = factory.CreateCounter("ledger_integrity_scan_bytes_total", "Bytes the background integrity scan read (block records and swept table records)");
        PassesCompleted = factory.CreateCounter("ledger_integrity_scan_passes_total", "Full passes of the background integrity scan completed without finding damage");
        LastFullPass = factory.CreateGauge("ledger_integrity_scan_last_full_pass_timestamp_seconds", "Unix time at which the last full pass of the integrity scan completed (0: none yet since start)");
        DamageFound = factory.CreateCounter("ledger_integrity_scan_damage_found_total", "Damage the background integrity scan found (the node then stops serving and exits with code 4)");
    }

    public Counter BlocksScanned { get; }

    public Counter BytesRead { get; }

    public Counter PassesCompleted { get; }

    public Gauge LastFullPass { get; }

    public Counter DamageFound { get; }
}
