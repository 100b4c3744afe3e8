using System.Globalization;

namespace Ledger.Bench;

/// <summary>
/// What one phase cost in CPU, by group of processes, and the ledger's share of it spent in signature
/// checks: the counted checks times the per-check CPU cost the bench measured on this machine
/// (<c>SignedRegistrations.MeasureVerification</c>). The rest, per committed transaction, is the
/// ledger's non-signature work (<c>nonsig_cpu_us_per_tx</c>), set against etcd's whole CPU per put
/// (<c>etcd_cpu_us_per_put</c>): signature checks are a fixed price of validating every transaction on
/// every node, the rest is what the implementation can cut.
/// </summary>
public sealed record CpuPerOperation(double LedgerCpuSeconds, double EtcdCpuSeconds, IReadOnlyDictionary<string, double>? SignatureChecks, long Committed)
{
    /// <summary>NaN when the checks were not counted (no metrics) or nothing committed.</summary>
    public double NonSignatureMicrosecondsPerTransaction(double checkCpuMicroseconds) =>
        SignatureChecks is null || Committed == 0
            ? double.NaN
            : ((LedgerCpuSeconds * 1e6) - (SignatureChecks.Values.Sum() * checkCpuMicroseconds)) / Committed;

    public double EtcdMicrosecondsPerPut => Committed == 0 ? double.NaN : EtcdCpuSeconds * 1e6 / Committed;

    /// <summary>One line: checks by place, their CPU, and their share of the nodes' CPU.</summary>
    public string DescribeSignatures(string label, double checkCpuMicroseconds)
    {
        if (SignatureChecks is null)
        {
            return $"signature checks {label}: (no metrics)";
        }

        var total = SignatureChecks.Values.Sum();
        var seconds = total * checkCpuMicroseconds / 1e6;
        var places = string.Join(' ', SignatureChecks.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:F0}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"signature checks {label}: {total:F0} on all nodes ({places}), {total / Math.Max(1, Committed):F2} per tx, ~{seconds:F1} CPU-s at {checkCpuMicroseconds:F1} µs each = {seconds / LedgerCpuSeconds:P1} of the nodes' {LedgerCpuSeconds:F1} CPU-s; the rest {NonSignatureMicrosecondsPerTransaction(checkCpuMicroseconds):F0} CPU-µs per tx");
    }

    /// <summary>CPU-seconds of the processes whose names start with <paramref name="prefix"/> (ledger-, etcd-).</summary>
    public static double GroupSeconds(ClusterProcessCpu cpu, double[] before, double[] after, string prefix)
    {
        var seconds = 0.0;
        for (var i = 0; i < cpu.Processes.Count; i++)
        {
            var used = after[i] - before[i];
            if (cpu.Processes[i].Name.StartsWith(prefix, StringComparison.Ordinal) && double.IsFinite(used))
            {
                seconds += used;
            }
        }

        return seconds;
    }
}
