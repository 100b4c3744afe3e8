using Ledger.Core.Protocol;

namespace Ledger.Registry.Applying;

/// <summary>
/// A transaction whose signature was verified at the door. <see cref="TxHash"/> is the signed
/// transaction's hash, computed by Core; the registry uses it as the id of what the transaction
/// creates (work, licence, claim, evidence, proposal) and for references.
/// </summary>
public sealed class RegistryTransaction
{
    public RegistryTransaction(byte[] txHash, TransactionEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(txHash);
        ArgumentNullException.ThrowIfNull(envelope);
        if (txHash.Length != RegistryLimits.HashBytes)
        {
            throw new ArgumentException($"transaction hash must be {RegistryLimits.HashBytes} bytes, was {txHash.Length}", nameof(txHash));
        }

        TxHash = txHash;
        Envelope = envelope;
    }

    public byte[] TxHash { get; }

    public TransactionEnvelope Envelope { get; }
}
