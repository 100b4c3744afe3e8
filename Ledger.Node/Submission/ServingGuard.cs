using Grpc.Core;
using Ledger.Node.Attestation;
using Ledger.Node.Consensus;
using Ledger.Node.Recovery;

namespace Ledger.Node.Submission;

/// <summary>
/// Whether this node may still answer: not after its drive loop or attestation work faulted, nor after
/// it found itself diverged from the consortium. Every call of the public API asks first.
/// </summary>
internal sealed class ServingGuard(RaftDriver driver, AttestationWorker attestationWorker, AttestationCollector collector, RuntimeDamage damage)
{
    public void ThrowIfNotServing()
    {
        if (damage.Current is { } found)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, $"this node found local disk damage and stopped serving until it has repaired itself from its peers: {found.Description}"));
        }

        if (driver.Fault is { } fault)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"this node stopped after a fault: {fault.Message}"));
        }

        if (attestationWorker.Fault is { } attestationFault)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"this node stopped after a fault in attestation work: {attestationFault.Message}"));
        }

        if (collector.Divergence is { } divergence)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"this node diverged from the consortium and stopped serving: {divergence}"));
        }
    }
}
