using Ledger.Core.Evidence.Export;
using Ledger.Core.Protocol;

namespace Ledger.Client.Evidence;

/// <summary>
/// The governance changes before a transaction, read from a node (<see cref="GovernanceEvidenceCollector"/>
/// over <see cref="LedgerClientEvidenceSource"/>); see there for what is collected and what it costs.
/// </summary>
public static class GovernanceCollector
{
    /// <summary>The governance changes up to transaction <paramref name="position"/> of the block with <paramref name="header"/>, read through <paramref name="client"/>.</summary>
    public static Task<GovernanceCollection> CollectAsync(LedgerClient client, BlockHeader header, uint position, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return GovernanceEvidenceCollector.CollectAsync(new LedgerClientEvidenceSource(client), header, position, cancellation);
    }
}
