using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Core.Receipts;

/// <summary>
/// The node set that must certify a receipt's block: the rule of <see cref="NodeSetAnchors"/>
/// (shared with evidence bundles), with the receipt's anchors read from its claims
/// (<see cref="NodeSetAnchor"/>) and failures reported as <see cref="CoseReceiptException"/>.
/// </summary>
public static class ReceiptNodeSet
{
    /// <summary>Returns the state before <paramref name="header"/>'s block; throws <see cref="CoseReceiptException"/> when a change or an anchor is not proven, or a node-set change has no anchor.</summary>
    public static ConsortiumState Before(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header, IReadOnlyList<NodeSetAnchor> anchors)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(anchors);
        try
        {
            var suite = Crypto.CryptoSuites.Get(genesis.Suite);
            return NodeSetAnchors.Before(genesis, changes, header, [.. anchors.Select(a => ToEvidence(a, suite))]);
        }
        catch (NodeSetAnchorException exception)
        {
            throw new CoseReceiptException(exception.Message, exception);
        }
    }

    /// <summary>As <see cref="NodeSetAnchors.Preview"/>, failures reported as <see cref="CoseReceiptException"/>.</summary>
    public static NodeSetPreview Preview(ConsortiumGenesis genesis, IReadOnlyList<GovernanceChangeEvidence> changes, BlockHeader header)
    {
        try
        {
            return NodeSetAnchors.Preview(genesis, changes, header);
        }
        catch (NodeSetAnchorException exception)
        {
            throw new CoseReceiptException(exception.Message, exception);
        }
    }

    /// <summary>
    /// The receipt's anchor as a certified header: its attestations name the header's height and
    /// hash, so only their signatures are left to check. A header that cannot be hashed keeps an
    /// empty hash; the shared rule refuses its shape before looking at the attestations.
    /// </summary>
    private static NodeSetAnchorEvidence ToEvidence(NodeSetAnchor anchor, Crypto.ICryptoSuite suite)
    {
        var header = anchor.Header;
        var blockHash = header is not null && BlockHeaderValidation.CheckShape(header, suite.Hash) == BlockValidationError.None
            ? BlockHash.Compute(header, suite.Hash)
            : [];
        var certified = header is null
            ? new CertifiedHeader()
            : CoseReceiptClaims.ToCertifiedHeader(header, anchor.Attestations, blockHash, suite.Name);
        return new NodeSetAnchorEvidence(certified, anchor.ConsistencyPath);
    }
}
