using Ledger.Node.Chain;

namespace Ledger.Node.Hosting;

/// <summary>
/// Secure by default: in a consortium of more than one node, peer traffic (Raft, forwarding, snapshots,
/// attestations) must run over mutual TLS, because plaintext removes peer authentication entirely —
/// anyone who reaches a peer port can speak as a node. A node refuses to start otherwise, unless the
/// operator sets the development flag <c>--insecure-plaintext-peers</c>, which is then logged as a warning
/// at every start. A lone node (the README's development ledger) has no peers and needs no flag.
/// </summary>
public static class PeerTransportPolicy
{
    /// <summary>Why this node's peer traffic would be plaintext, or null when it is mutual TLS or there are no peers.</summary>
    public static string? FindPlaintextPeers(ChainContext chain, string nodeId, string ownPeerUrl, bool tlsConfigured, IReadOnlyDictionary<string, string> peerOverrides)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(peerOverrides);
        var otherNodes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in chain.FoundingNodes)
        {
            if (!string.Equals(node.NodeId, nodeId, StringComparison.Ordinal))
            {
                otherNodes[node.NodeId] = node.Address;
            }
        }

        foreach (var (peerId, url) in peerOverrides)
        {
            if (!string.Equals(peerId, nodeId, StringComparison.Ordinal))
            {
                otherNodes[peerId] = url;
            }
        }

        if (otherNodes.Count == 0)
        {
            return null;
        }

        var reasons = new List<string>();
        if (!tlsConfigured)
        {
            reasons.Add("no TLS material (--tls-ca, --tls-cert, --tls-key)");
        }

        if (!IsHttps(ownPeerUrl))
        {
            reasons.Add($"this node's peer URL {ownPeerUrl}");
        }

        foreach (var (peerId, url) in otherNodes)
        {
            if (!IsHttps(url))
            {
                reasons.Add($"{peerId} at {url}");
            }
        }

        return reasons.Count == 0
            ? null
            : $"{otherNodes.Count + 1}-node consortium with plaintext peer traffic ({string.Join(", ", reasons)})";
    }

    /// <summary>Throws when peer traffic would be plaintext and the operator did not allow it; warns when allowed.</summary>
    public static void Enforce(string? plaintext, bool insecurePlaintextPeersAllowed, ILogger logger)
    {
        if (plaintext is null)
        {
            return;
        }

        if (!insecurePlaintextPeersAllowed)
        {
            throw new InvalidOperationException(
                $"refusing to start: {plaintext}, so nothing would authenticate a peer. Use https:// peer URLs with mutual TLS, " +
                "or, for a development cluster only, pass --insecure-plaintext-peers");
        }

        HostingLog.InsecurePlaintextPeers(logger, plaintext);
    }

    private static bool IsHttps(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
