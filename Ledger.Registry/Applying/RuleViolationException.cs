namespace Ledger.Registry.Applying;

/// <summary>
/// A transaction broke a registry rule. Thrown inside the applier and turned into a rejected
/// <see cref="TransactionOutcome"/>; never escapes <see cref="RegistryApplier.ApplyBlock"/>.
/// </summary>
public sealed class RuleViolationException : Exception
{
    public RuleViolationException(RejectionReason reason, string detail, byte[]? referenceTxHash = null)
        : base($"{reason}: {detail}")
    {
        Reason = reason;
        Detail = detail;
        ReferenceTxHash = referenceTxHash;
    }

    public RejectionReason Reason { get; }

    public string Detail { get; }

    public byte[]? ReferenceTxHash { get; }
}
