using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// The node set for the bundle's block, vouched for from the genesis (<see cref="NodeSetAnchors"/>,
/// docs/evidence-bundle.md "Node-set anchors"): every earlier block that changed it is certified by
/// the nodes before it and its log is a prefix of the certified log. Without this, a made-up log
/// whose changes hand the chain to its author's node would certify itself. The earlier registration
/// a rejection names is in an earlier block, so its node set is the same replay stopped before its
/// block, over changes already anchored here.
/// </summary>
public static partial class EvidenceVerifier
{
    private sealed partial class Run
    {
        /// <summary>Heights of the earlier blocks that changed the node set (each anchored once the check passed).</summary>
        private IReadOnlyList<ulong> anchoredHeights = [];

        /// <summary>Sets <see cref="consortium"/> to the anchored node set before the block; returns why not, or null.</summary>
        private string? ReplayAnchored(ConsortiumGenesis consortiumGenesis, BlockHeader header)
        {
            try
            {
                var preview = NodeSetAnchors.Preview(consortiumGenesis, bundle.GovernanceChanges, header);
                anchoredHeights = preview.HeightsNeedingAnchors;
                consortium = NodeSetAnchors.Before(consortiumGenesis, bundle.GovernanceChanges, header, bundle.NodeSetAnchors);
                return null;
            }
            catch (NodeSetAnchorException exception)
            {
                consortium = null;
                return $"node set not vouched for: {exception.Message}";
            }
        }

        private string AnchoredDetail() => anchoredHeights.Count == 0
            ? ""
            : $"; node-set changes in block{(anchoredHeights.Count == 1 ? "" : "s")} {string.Join(", ", anchoredHeights)}, each certified by the nodes before it (anchored)";
    }
}
