using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Client.Verification;

/// <summary>
/// A certified header that passed <see cref="CertifiedHeaderVerifier"/> against the node set in
/// force at its height. Only <see cref="TryVerify"/> makes one (the constructor is internal), so a
/// method taking a <see cref="QuorumCertificate"/> cannot be handed a single node's header.
/// </summary>
public sealed class QuorumCertificate
{
    internal QuorumCertificate(CertifiedHeader certified, IReadOnlyList<string> attestingNodeIds)
    {
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(certified.Header);
        Certified = certified;
        AttestingNodeIds = attestingNodeIds;
    }

    /// <summary>The header with its attestations, as the node served it.</summary>
    public CertifiedHeader Certified { get; }

    /// <summary>The certified header.</summary>
    public BlockHeader Header => Certified.Header;

    /// <summary>The nodes whose attestations verified, in the order served.</summary>
    public IReadOnlyList<string> AttestingNodeIds { get; }

    /// <summary>The certificate when <paramref name="certified"/> is certified by <paramref name="nodeSet"/> (the state before its block), else null and why.</summary>
    public static QuorumCertificate? TryVerify(CertifiedHeader certified, ConsortiumState nodeSet, out string? failure)
    {
        ArgumentNullException.ThrowIfNull(certified);
        ArgumentNullException.ThrowIfNull(nodeSet);
        var attesters = new List<string>();
        failure = CertifiedHeaderVerifier.Check(certified, nodeSet, attesters);
        return failure is null ? new QuorumCertificate(certified, attesters) : null;
    }
}
