using Grpc.Core;
using Ledger.Core.Checkpoints;
using Ledger.Core.Protocol;
using Ledger.Node.Attestation;
using Ledger.Node.Chain;
using Ledger.Node.Governance;
using Ledger.Storage.Blocks;
using Ledger.Storage.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Checkpoints;

/// <summary>
/// Serves <c>GetCheckpoint</c>: the C2SP checkpoint of a certified header only, signed by the nodes
/// that certified it (the checkpoint signatures their attestations carried, checked again here), with
/// the cosignatures of the witnesses registered now on that exact checkpoint (checked again too: the
/// store's <c>meta</c> records can come from a peer's snapshot). A checkpoint goes out only with a
/// quorum of node signatures, the same quorum that certified the header.
/// </summary>
public sealed class CheckpointPublisher
{
    private readonly AttestationCollector collector;
    private readonly NodeDirectory directory;
    private readonly BlockStore blocks;
    private readonly CosignatureStore cosignatures;
    private readonly WitnessDirectory witnesses;
    private readonly ILogger logger;
    private readonly Lock sync = new();
    private (ulong Height, Dictionary<string, byte[]> Verified) verifiedNodeSignatures = (0, new(StringComparer.Ordinal));

    public CheckpointPublisher(ChainContext chain, AttestationCollector collector, NodeDirectory directory, BlockStore blocks, CosignatureStore cosignatures, WitnessDirectory witnesses, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(chain);
        Origin = CheckpointOrigin.For(chain.ChainId);
        this.collector = collector;
        this.directory = directory;
        this.blocks = blocks;
        this.cosignatures = cosignatures;
        this.witnesses = witnesses;
        this.logger = logger;
    }

    /// <summary>This log's checkpoint origin line: <c>ledger/&lt;chain id&gt;</c>.</summary>
    public string Origin { get; }

    /// <summary>The signed checkpoint of tree size <paramref name="treeSize"/> (0 = the latest certified); RpcException NotFound or FailedPrecondition otherwise.</summary>
    public GetCheckpointResponse Get(ulong treeSize)
    {
        var latest = collector.GetCertified(0)
            ?? throw new RpcException(new Status(StatusCode.NotFound, "no block is certified yet, so there is no checkpoint"));
        var certified = latest;
        if (treeSize != 0 && treeSize != latest.Header.LogSize)
        {
            if (treeSize > latest.Header.LogSize)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"tree size {treeSize} is beyond the latest certified checkpoint (tree size {latest.Header.LogSize}, block {latest.Header.Height})"));
            }

            var height = HeightEndingAt(treeSize, latest.Header.Height)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"no block ends at tree size {treeSize}; checkpoints are published at block boundaries"));
            certified = collector.GetCertified(height)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"block {height} (tree size {treeSize}) is not certified (yet); the latest certified height is {collector.CertifiedHeight}"));
        }

        return new GetCheckpointResponse { SignedNote = Sign(certified).Format(), BlockHeight = certified.Header.Height };
    }

    private SignedNote Sign(CertifiedHeader certified)
    {
        var header = certified.Header;
        var checkpoint = NodeCheckpoints.Of(header, Origin);
        var lines = NodeLines(certified);
        var quorum = directory.Nodes.QuorumAt(header.Height);
        if (lines.Count < quorum)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"block {header.Height} is certified, but only {lines.Count} of the {quorum} node checkpoint signatures needed are here (yet)"));
        }

        foreach (var stored in cosignatures.ForTreeSize(header.LogSize))
        {
            if (lines.Count >= NoteLimits.SignatureLinesMax)
            {
                break;
            }

            if (WitnessLine(checkpoint, stored) is { } line)
            {
                lines.Add(line);
            }
        }

        return new SignedNote(checkpoint.Format(), lines);
    }

    /// <summary>The certifying nodes' checkpoint signature lines, each verified once per height.</summary>
    private List<NoteSignature> NodeLines(CertifiedHeader certified)
    {
        var header = certified.Header;
        var lines = new List<NoteSignature>();
        lock (sync)
        {
            if (verifiedNodeSignatures.Height != header.Height)
            {
                verifiedNodeSignatures = (header.Height, new Dictionary<string, byte[]>(StringComparer.Ordinal));
            }

            foreach (var attestation in certified.Attestations)
            {
                if (attestation.CheckpointSignature.IsEmpty || directory.Nodes.Find(attestation.NodeId)?.AttestationKey is not { } key)
                {
                    continue;
                }

                var signature = attestation.CheckpointSignature.ToByteArray();
                var known = verifiedNodeSignatures.Verified.TryGetValue(attestation.NodeId, out var verified) && verified.AsSpan().SequenceEqual(signature);
                if (!known && !NodeCheckpoints.Verify(key, header, Origin, signature))
                {
                    CheckpointLog.StoredNodeSignatureInvalid(logger, attestation.NodeId, header.Height);
                    continue;
                }

                verifiedNodeSignatures.Verified[attestation.NodeId] = signature;
                lines.Add(NodeCheckpoints.Line(key, Origin, signature));
            }
        }

        return lines;
    }

    private NoteSignature? WitnessLine(Checkpoint checkpoint, StoredCosignature stored)
    {
        if (!stored.RootHash.AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            return null;
        }

        NoteSignature line;
        try
        {
            line = new NoteSignature(stored.WitnessName, stored.KeyId, stored.Signature);
        }
        catch (NoteFormatException)
        {
            CheckpointLog.StoredCosignatureInvalid(logger, stored.WitnessName, stored.TreeSize);
            return null;
        }

        if (witnesses.Find(line) is not { } witness)
        {
            // Its witness was removed or rotated its key since: the cosignature no longer counts here.
            return null;
        }

        if (Cosignature.Verify(witness.PublicKey, witness.Name, checkpoint, line) is null)
        {
            CheckpointLog.StoredCosignatureInvalid(logger, stored.WitnessName, stored.TreeSize);
            return null;
        }

        return line;
    }

    /// <summary>The lowest height in [1, <paramref name="highest"/>] whose header ends the log at <paramref name="treeSize"/>, or null (log sizes never decrease with height).</summary>
    private ulong? HeightEndingAt(ulong treeSize, ulong highest)
    {
        ulong low = 1;
        var high = highest;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var size = blocks.GetHeader(middle)?.LogSize
                ?? throw new RpcException(new Status(StatusCode.Unavailable, $"block {middle} is not on this node"));
            if (size < treeSize)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return blocks.GetHeader(low)?.LogSize == treeSize ? low : null;
    }
}
