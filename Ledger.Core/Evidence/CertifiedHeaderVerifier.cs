using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Is a header certified by the genesis nodes? Every attestation must be by a distinct genesis node
/// and verify over the header's hash with that node's key, and a majority of the genesis nodes must attest.
/// </summary>
public static class CertifiedHeaderVerifier
{
    /// <summary>Returns null when certified, else why not; <paramref name="attestingNodeIds"/> receives the valid attesters.</summary>
    public static string? Check(CertifiedHeader certified, ConsortiumGenesis genesis, List<string>? attestingNodeIds = null)
    {
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(genesis);
        if (certified.Header is null)
        {
            return "certified header has no header";
        }

        var chainHash = CryptoSuites.Get(genesis.Suite).Hash;
        var quorum = (genesis.Nodes.Count / 2) + 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attestation in certified.Attestations)
        {
            var node = genesis.Nodes.FirstOrDefault(n => n.Id == attestation.NodeId);
            if (node is null)
            {
                return $"attestation by '{attestation.NodeId}', which is not a genesis node";
            }

            if (!seen.Add(node.Id))
            {
                return $"two attestations by node '{node.Id}'";
            }

            var key = CryptoSuites.Get(node.Key.Suite).DecodePublicKey(node.Key.PublicKey);
            if (!BlockAttestations.Verify(key, attestation, certified.Header, chainHash))
            {
                return $"attestation by node '{node.Id}' does not verify against this header with the node's genesis key";
            }

            attestingNodeIds?.Add(node.Id);
        }

        return seen.Count >= quorum ? null : $"only {seen.Count} valid attestations, quorum is {quorum} of {genesis.Nodes.Count}";
    }
}
