using System.Text;
using Grpc.Core;
using Ledger.Core.Checkpoints;
using Ledger.Node.Attestation;
using Ledger.Storage.Blocks;
using Ledger.Storage.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Checkpoints;

/// <summary>
/// Serves <c>AddCosignature</c>: a witness hands in a checkpoint with its cosignature line(s)
/// (C2SP tlog-cosignature, cosignature/v1). Each line by a witness registered in the current state
/// (key name = member id, key id of its Ed25519 key) must verify, and the checkpoint must be one this
/// node issued: same origin, a tree size no larger than its latest certified one, and the root this
/// node's own log has at that size. Then the cosignature is kept (<see cref="CosignatureStore"/>) and
/// served with that checkpoint. Refusals, checked in this order:
/// <list type="bullet">
/// <item>InvalidArgument: not a signed note or not a checkpoint; a registered witness's line does not verify.</item>
/// <item>PermissionDenied: no line by a registered witness.</item>
/// <item>FailedPrecondition: another log's origin, a size beyond this node's certified size, or another root at that size (a fork).</item>
/// </list>
/// Other signature lines (nodes', unknown witnesses') are ignored, so a witness may send the note back as it cosigned it.
/// </summary>
public sealed class CosignatureIntake
{
    private readonly string origin;
    private readonly AttestationCollector collector;
    private readonly BlockStore blocks;
    private readonly CosignatureStore store;
    private readonly WitnessDirectory witnesses;
    private readonly CheckpointMetrics metrics;
    private readonly ILogger logger;

    public CosignatureIntake(string origin, AttestationCollector collector, BlockStore blocks, CosignatureStore store, WitnessDirectory witnesses, CheckpointMetrics metrics, ILogger logger)
    {
        this.origin = origin;
        this.collector = collector;
        this.blocks = blocks;
        this.store = store;
        this.witnesses = witnesses;
        this.metrics = metrics;
        this.logger = logger;
    }

    /// <summary>Verifies and keeps the registered witnesses' cosignatures in <paramref name="signedNote"/>; throws RpcException with the precise status otherwise.</summary>
    public void Add(string? signedNote)
    {
        var (note, checkpoint) = Parse(signedNote);
        var cosigned = new List<(CheckpointWitness Witness, NoteSignature Line)>();
        foreach (var line in note.Signatures)
        {
            if (witnesses.Find(line) is { } witness)
            {
                cosigned.Add((witness, line));
            }
        }

        if (cosigned.Count == 0)
        {
            var registered = witnesses.Current().Select(w => w.Name).Distinct(StringComparer.Ordinal).ToList();
            throw Refuse(StatusCode.PermissionDenied, CosignatureRefusals.Unregistered,
                $"the note has no cosignature line by a witness registered in this consortium (registered: {(registered.Count == 0 ? "none" : string.Join(", ", registered))}; the key name must be the witness's member id)");
        }

        foreach (var (witness, line) in cosigned)
        {
            if (Cosignature.Verify(witness.PublicKey, witness.Name, checkpoint, line) is null)
            {
                throw Refuse(StatusCode.InvalidArgument, CosignatureRefusals.BadSignature, $"the cosignature line by {witness.Name} does not verify for this checkpoint (cosignature/v1)");
            }
        }

        RequireIssuedHere(checkpoint);
        var root = checkpoint.RootHashArray();
        foreach (var (witness, line) in cosigned)
        {
            store.Put(new StoredCosignature(witness.Name, checkpoint.TreeSize, root, line.KeyId, line.Signature.ToArray()));
            metrics.Cosignatures.WithLabels(witness.Name).Inc();
            CheckpointLog.CosignatureAccepted(logger, witness.Name, checkpoint.TreeSize);
        }
    }

    private (SignedNote Note, Checkpoint Checkpoint) Parse(string? signedNote)
    {
        if (string.IsNullOrEmpty(signedNote))
        {
            throw Refuse(StatusCode.InvalidArgument, CosignatureRefusals.Malformed, "signed_note is required");
        }

        var bytes = Encoding.UTF8.GetByteCount(signedNote);
        if (bytes > NoteLimits.NoteBytesMax)
        {
            throw Refuse(StatusCode.InvalidArgument, CosignatureRefusals.Malformed, $"signed_note is {bytes} bytes, more than {NoteLimits.NoteBytesMax}");
        }

        try
        {
            var note = SignedNote.Parse(signedNote);
            return (note, Checkpoint.Parse(note.Text));
        }
        catch (NoteFormatException e)
        {
            throw Refuse(StatusCode.InvalidArgument, CosignatureRefusals.Malformed, $"signed_note is not a signed checkpoint: {e.Message}");
        }
    }

    private void RequireIssuedHere(Checkpoint checkpoint)
    {
        if (!string.Equals(checkpoint.Origin, origin, StringComparison.Ordinal))
        {
            throw Refuse(StatusCode.FailedPrecondition, CosignatureRefusals.NotIssued, $"the checkpoint is of log '{Excerpt(checkpoint.Origin)}'; this node issues '{origin}'");
        }

        if (checkpoint.Extensions.Count != 0)
        {
            throw Refuse(StatusCode.FailedPrecondition, CosignatureRefusals.NotIssued, "the checkpoint has extension lines; this node issues none");
        }

        var certifiedSize = collector.GetCertified(0)?.Header.LogSize
            ?? throw Refuse(StatusCode.FailedPrecondition, CosignatureRefusals.NotIssued, "this node has no certified checkpoint yet");
        if (checkpoint.TreeSize > certifiedSize)
        {
            throw Refuse(StatusCode.FailedPrecondition, CosignatureRefusals.NotIssued, $"tree size {checkpoint.TreeSize} is beyond this node's latest certified tree size {certifiedSize}: not a checkpoint this node issued");
        }

        var ours = blocks.LogTree.GetRoot(checkpoint.TreeSize);
        if (!checkpoint.RootHash.SequenceEqual(ours))
        {
            throw Refuse(StatusCode.FailedPrecondition, CosignatureRefusals.NotIssued,
                $"FORK: the checkpoint's root at tree size {checkpoint.TreeSize} is {Convert.ToBase64String(checkpoint.RootHash)}, this node's log has {Convert.ToBase64String(ours)}: not a checkpoint this node issued");
        }
    }

    private RpcException Refuse(StatusCode status, string reason, string detail)
    {
        metrics.CosignaturesRefused.WithLabels(reason).Inc();
        CheckpointLog.CosignatureRefused(logger, status.ToString(), detail);
        return new RpcException(new Status(status, detail));
    }

    private static string Excerpt(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
