using Ledger.Storage.Errors;

namespace Ledger.Storage.Integrity;

/// <summary>Result of an integrity scan: intact, or the first bad height and why.</summary>
public sealed record IntegrityScanReport(ulong LatestHeight, ulong BlocksVerified, ulong? FirstBadHeight, IntegrityFailure? Failure, string? Reason)
{
    public bool IsIntact => Failure is null;

    /// <summary>Throws <see cref="StorageCorruptionException"/> naming the first bad height unless the scan found the store intact.</summary>
    public void ThrowIfCorrupt()
    {
        if (!IsIntact)
        {
            throw new StorageCorruptionException($"integrity scan failed at height {FirstBadHeight}: {Failure}: {Reason}", FirstBadHeight);
        }
    }

    public override string ToString() => IsIntact
        ? $"intact: {BlocksVerified} blocks verified up to height {LatestHeight}"
        : $"corrupt at height {FirstBadHeight} ({Failure}): {Reason}; {BlocksVerified} blocks verified before it";
}
