using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;

namespace Ledger.Core.Evidence;

/// <summary>
/// Is a header certified by the consortium's nodes? The header must name the consortium's chain
/// id, every attestation must be by a distinct node of the node set in force for that header and
/// verify over the header's hash with that node's key, and a strict majority of that node set must
/// attest.
/// </summary>
public static class CertifiedHeaderVerifier
{
    /// <summary>Characters of a foreign chain id quoted in a refusal (the id comes from outside).</summary>
    public const int QuotedChainIdCharsMax = 64;

    /// <summary>Checks against the genesis nodes only (a chain without node changes).</summary>
    public static string? Check(CertifiedHeader certified, ConsortiumGenesis genesis, List<string>? attestingNodeIds = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        return Check(certified, new ConsortiumState(genesis), attestingNodeIds);
    }

    /// <summary>
    /// Returns null when certified, else why not; <paramref name="attestingNodeIds"/> receives the
    /// valid attesters. <paramref name="nodeSet"/> must be the state before the header's block
    /// (changes recorded at lower heights only).
    /// </summary>
    public static string? Check(CertifiedHeader certified, ConsortiumState nodeSet, List<string>? attestingNodeIds = null)
    {
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(nodeSet);
        if (certified.Header is null)
        {
            return "certified header has no header";
        }

        // Node keys may serve in more than one consortium (and attestations sign the header's own
        // chain id), so quorum-signed is not enough: the header must be of this chain.
        if (!string.Equals(certified.Header.ChainId, nodeSet.ChainId, StringComparison.Ordinal))
        {
            return $"header is of chain '{Quote(certified.Header.ChainId)}', the genesis chain is '{nodeSet.ChainId}'";
        }

        var chainHash = nodeSet.Suite.Hash;

        // Hashing a header that cannot be encoded throws; outside input is refused with a reason instead.
        var shape = BlockHeaderValidation.CheckShape(certified.Header, chainHash);
        if (shape != BlockValidationError.None)
        {
            return $"header is malformed: {shape}";
        }

        var blockHash = BlockHash.Compute(certified.Header, chainHash);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attestation in certified.Attestations)
        {
            var failure = CheckOne(attestation, certified.Header, blockHash, nodeSet);
            if (failure is not null)
            {
                return failure;
            }

            if (!seen.Add(attestation.NodeId))
            {
                return $"two attestations by node '{attestation.NodeId}'";
            }

            attestingNodeIds?.Add(attestation.NodeId);
        }

        return seen.Count >= nodeSet.Quorum
            ? null
            : $"only {seen.Count} valid attestations, quorum is {nodeSet.Quorum} of {nodeSet.ActiveNodes.Count}";
    }

    /// <summary>One attestation of <paramref name="header"/> (whose hash is <paramref name="blockHash"/>): null when valid.</summary>
    public static string? CheckOne(Attestation attestation, BlockHeader header, ReadOnlySpan<byte> blockHash, ConsortiumState nodeSet)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(nodeSet);
        if (!nodeSet.ActiveNodes.TryGetValue(attestation.NodeId, out var node))
        {
            return $"attestation by '{attestation.NodeId}', which is not a consortium node at height {header.Height}";
        }

        if (attestation.Height != header.Height || !attestation.BlockHash.Span.SequenceEqual(blockHash))
        {
            return $"attestation by node '{node.NodeId}' is for another block (height {attestation.Height}, hash {Convert.ToHexStringLower(attestation.BlockHash.Span)})";
        }

        return BlockAttestations.VerifySignature(node.PublicKey, attestation, header.ChainId)
            ? null
            : $"attestation by node '{node.NodeId}' does not verify with the node's key at height {header.Height}";
    }

    private static string Quote(string chainId) =>
        chainId.Length <= QuotedChainIdCharsMax ? chainId : string.Concat(chainId.AsSpan(0, QuotedChainIdCharsMax), "…");
}
