using Ledger.Core.Blocks;
using Ledger.Core.Checkpoints;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Checkpoints;

/// <summary>
/// The checkpoint signature an attestation carries (<c>Attestation.checkpoint_signature</c>): this
/// node adds its own when it attests a block, and checks a peer's on receipt as it checks the
/// attestation's signature. A peer's attestation with a checkpoint signature that does not verify is
/// refused whole (the peer signed something false about the log); one for another block hash than this
/// node built keeps its attestation (the collector reports the mismatch) but loses the checkpoint
/// signature, which could not be checked against a header this node has.
/// </summary>
public sealed partial class CheckpointAttestations
{
    private readonly ChainContext chain;
    private readonly KeyPair nodeKey;
    private readonly string origin;
    private readonly ILogger logger;

    public CheckpointAttestations(ChainContext chain, KeyPair nodeKey, ILogger logger)
    {
        this.chain = chain;
        this.nodeKey = nodeKey;
        this.logger = logger;
        origin = CheckpointOrigin.For(chain.ChainId);
    }

    /// <summary>Adds this node's signature of <paramref name="header"/>'s checkpoint to its own attestation of it.</summary>
    public void Attach(Core.Protocol.Attestation own, BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(own);
        own.CheckpointSignature = Google.Protobuf.ByteString.CopyFrom(NodeCheckpoints.Sign(nodeKey, header, origin));
    }

    /// <summary>
    /// Whether a peer's attestation (its signature already verified with <paramref name="signerKey"/>)
    /// may be stored: true without a checkpoint signature or with a valid one; false, and logged, when
    /// its checkpoint signature does not verify for <paramref name="header"/>.
    /// </summary>
    public bool Admit(Core.Protocol.Attestation attestation, PublicKey signerKey, BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(attestation);
        if (attestation.CheckpointSignature.IsEmpty)
        {
            return true;
        }

        if (!attestation.BlockHash.Span.SequenceEqual(BlockHash.Compute(header, chain.Hash)))
        {
            attestation.CheckpointSignature = Google.Protobuf.ByteString.Empty;
            return true;
        }

        if (NodeCheckpoints.Verify(signerKey, header, origin, attestation.CheckpointSignature.Span))
        {
            return true;
        }

        CheckpointLog.BadNodeCheckpointSignature(logger, attestation.NodeId, attestation.Height);
        return false;
    }
}
