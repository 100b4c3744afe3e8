using Ledger.Core.Blocks;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Node.Governance;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Attestation;

/// <summary>
/// Signs every block this node applies and gathers the other nodes' signatures. An attestation means
/// "this node checked every transaction of this block itself": it applied the block with the full
/// rules, which verify each transaction's signature (from a verdict this node computed, or inline),
/// canonical encoding, chain id and the signer's key, member and role at that height — never taking
/// another node's word for any of it. So a certified header carries a quorum's independent checks,
/// and a transaction nobody signed is recorded as rejected in it, never applied. A header signed
/// by a quorum (a majority of the nodes active when that block was produced, per the registry's
/// node records: see <see cref="DirectoryNode.AttestsAt"/>) is certified; old headers keep the set
/// of their height, so certifications stay verifiable after nodes join or leave. Attestations arrive before or
/// after the block is applied here; early ones wait in a bounded buffer. When a quorum signs a
/// different hash than this node computed, the node has diverged: it logs loudly and stops serving.
/// </summary>
public sealed partial class AttestationCollector
{
    /// <summary>Attestations held for heights this node has not applied yet.</summary>
    public const int EarlyAttestationsMax = 16_384;

    private readonly ChainContext chain;
    private readonly NodeDirectory directory;
    private readonly string nodeId;
    private readonly KeyPair nodeKey;
    private readonly BlockStore blocks;
    private readonly AttestationStore store;
    private readonly Action<Core.Protocol.Attestation> broadcast;
    private readonly ILogger logger;
    private readonly Checkpoints.CheckpointAttestations checkpoints;
    private readonly Action<Action, string> storageWrite;
    private readonly Lock sync = new();
    private readonly Dictionary<ulong, List<Core.Protocol.Attestation>> early = [];
    private int earlyCount;
    private volatile string? divergence;

    public AttestationCollector(
        ChainContext chain,
        NodeDirectory directory,
        string nodeId,
        KeyPair nodeKey,
        BlockStore blocks,
        AttestationStore store,
        Action<Core.Protocol.Attestation> broadcast,
        ILogger logger,
        Action<Action, string>? storageWrite = null)
    {
        // The node passes StorageWritePause.Run: a full disk pauses the attestation work (and the node says
        // not ready) instead of faulting it, like the Raft log and block writes.
        this.storageWrite = storageWrite ?? ((write, _) => write());
        this.chain = chain;
        this.directory = directory;
        this.nodeId = nodeId;
        this.nodeKey = nodeKey;
        this.blocks = blocks;
        this.store = store;
        this.broadcast = broadcast;
        this.logger = logger;
        checkpoints = new Checkpoints.CheckpointAttestations(chain, nodeKey, logger);
    }

    /// <summary>Stores an attestation, waiting for disk space when the volume is full.</summary>
    private void Keep(Core.Protocol.Attestation attestation) => storageWrite(() => store.Put(attestation), "attestation store write");

    /// <summary>Set when a quorum certified a different block than this node built; the node must stop serving.</summary>
    public string? Divergence => divergence;

    public ulong CertifiedHeight => store.CertifiedHeight;

    /// <summary>Votes needed to certify block <paramref name="height"/>: a strict majority of its attesters.</summary>
    public int QuorumAt(ulong height) => directory.Nodes.QuorumAt(height);

    /// <summary>
    /// Called after a block is committed locally: sign it (when this node is one of its attesters and
    /// <paramref name="attest"/>: its time was plausible here, see <see cref="BlockTimeWitness"/>), keep it, share it, and check early arrivals.
    /// </summary>
    public void OnBlockCommitted(BlockHeader header, bool attest = true)
    {
        if (attest && directory.Nodes.Find(nodeId) is { } self && self.AttestsAt(header.Height))
        {
            var own = BlockAttestations.Sign(nodeKey, nodeId, header, chain.Hash);
            checkpoints.Attach(own, header);
            Keep(own);
            broadcast(own);
        }

        List<Core.Protocol.Attestation>? waiting;
        lock (sync)
        {
            if (early.Remove(header.Height, out waiting))
            {
                earlyCount -= waiting.Count;
            }
        }

        if (waiting is not null)
        {
            foreach (var attestation in waiting)
            {
                Accept(attestation, header);
            }
        }

        Evaluate(header);
    }

    /// <summary>An attestation from a peer.</summary>
    public void OnAttestationReceived(Core.Protocol.Attestation attestation)
    {
        var header = blocks.GetHeader(attestation.Height);
        if (header is null)
        {
            lock (sync)
            {
                if (earlyCount >= EarlyAttestationsMax || attestation.Height > blocks.LatestHeight + 100_000)
                {
                    return;
                }

                if (!early.TryGetValue(attestation.Height, out var list))
                {
                    list = [];
                    early[attestation.Height] = list;
                }

                list.Add(attestation);
                earlyCount++;
            }

            return;
        }

        if (Accept(attestation, header))
        {
            Evaluate(header);
        }
    }

    /// <summary>The header at <paramref name="height"/> with its attestations, when certified (0 = the latest certified).</summary>
    public CertifiedHeader? GetCertified(ulong height)
    {
        var target = height == 0 ? store.CertifiedHeight : height;
        if (target == 0 || target > blocks.LatestHeight)
        {
            return null;
        }

        var header = blocks.GetHeader(target);
        if (header is null)
        {
            return null;
        }

        var certified = new CertifiedHeader { Header = header };
        var hash = BlockHash.Compute(header, chain.Hash);
        var nodes = directory.Nodes;
        foreach (var attestation in store.Get(target))
        {
            if (attestation.BlockHash.Span.SequenceEqual(hash) && nodes.Find(attestation.NodeId) is { } signer && signer.AttestsAt(target))
            {
                certified.Attestations.Add(attestation);
            }
        }

        return certified.Attestations.Count >= nodes.QuorumAt(target) ? certified : null;
    }

    private bool Accept(Core.Protocol.Attestation attestation, BlockHeader header)
    {
        var signer = directory.Nodes.Find(attestation.NodeId);
        if (signer is null || !signer.AttestsAt(header.Height))
        {
            LogUnknownSigner(logger, attestation.NodeId, attestation.Height);
            return false;
        }

        if (signer.AttestationKey is not { } key || !BlockAttestations.VerifySignature(key, attestation, chain.ChainId))
        {
            LogBadSignature(logger, attestation.NodeId, attestation.Height);
            return false;
        }

        if (!checkpoints.Admit(attestation, key, header))
        {
            return false;
        }

        Keep(attestation);
        var ours = BlockHash.Compute(header, chain.Hash);
        if (!attestation.BlockHash.Span.SequenceEqual(ours))
        {
            LogMismatch(logger, attestation.NodeId, attestation.Height);
        }

        return true;
    }

    private void Evaluate(BlockHeader header)
    {
        var ours = BlockHash.Compute(header, chain.Hash);
        var nodes = directory.Nodes;
        var quorum = nodes.QuorumAt(header.Height);
        var agreeing = 0;
        var disagreeing = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var attestation in store.Get(header.Height))
        {
            if (nodes.Find(attestation.NodeId) is not { } signer || !signer.AttestsAt(header.Height))
            {
                continue;
            }

            if (attestation.BlockHash.Span.SequenceEqual(ours))
            {
                agreeing++;
            }
            else
            {
                var key = Convert.ToHexStringLower(attestation.BlockHash.Span);
                disagreeing[key] = disagreeing.GetValueOrDefault(key) + 1;
            }
        }

        foreach (var (otherHash, count) in disagreeing)
        {
            if (count >= quorum)
            {
                divergence = $"a quorum of nodes certified block {header.Height} as {otherHash}, but this node built {Convert.ToHexStringLower(ours)}";
                LogDivergence(logger, divergence);
            }
        }

        if (agreeing >= quorum)
        {
            store.MarkCertified(header.Height);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Attestation from {NodeId}, which is not an attester of height {Height}, ignored")]
    private static partial void LogUnknownSigner(ILogger logger, string nodeId, ulong height);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Attestation from {NodeId} for height {Height} has a bad signature; ignored")]
    private static partial void LogBadSignature(ILogger logger, string nodeId, ulong height);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Node {NodeId} attests a different block hash at height {Height} than this node built")]
    private static partial void LogMismatch(ILogger logger, string nodeId, ulong height);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Critical, Message = "DIVERGENCE: {Detail}. This node stops serving; investigate before restarting.")]
    private static partial void LogDivergence(ILogger logger, string detail);
}
