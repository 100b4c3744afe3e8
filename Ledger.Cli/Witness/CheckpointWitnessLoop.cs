using Ledger.Core.Checkpoints;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;

namespace Ledger.Cli.Witness;

/// <summary>What one witness step did.</summary>
public enum WitnessStepKind
{
    /// <summary>Cosigned a new checkpoint (consistent with the last one) and sent the cosignature.</summary>
    Cosigned,

    /// <summary>Nothing new: the latest checkpoint is the one already cosigned.</summary>
    Unchanged,

    /// <summary>Did not cosign (no quorum, wrong origin, malformed, behind): retry later.</summary>
    Refused,

    /// <summary>A fork: two quorum-signed checkpoints that cannot both be true. The loop stops.</summary>
    Fork,
}

public sealed record WitnessStep(WitnessStepKind Kind, string Message, Checkpoint? Checkpoint = null, ForkEvidence? Fork = null);

/// <summary>
/// A C2SP witness (c2sp.org/tlog-witness semantics) for one consortium: it cosigns a checkpoint only
/// when a quorum of the node set signed it AND an RFC 9162 consistency proof from the last checkpoint
/// it cosigned verifies, so it never vouches for two histories. State (the last cosigned note) is
/// persisted before the cosignature leaves. The first checkpoint it sees is trusted once quorum-signed
/// (every tree extends the empty one); from then on only consistent growth is cosigned.
/// </summary>
public sealed class CheckpointWitnessLoop
{
    private readonly IWitnessLedger ledger;
    private readonly CheckpointTrust trust;
    private readonly MerkleHasher hasher;
    private readonly KeyPair witnessKey;
    private readonly string witnessName;
    private readonly string statePath;
    private readonly TimeProvider time;

    public CheckpointWitnessLoop(IWitnessLedger ledger, CheckpointTrust trust, MerkleHasher hasher, KeyPair witnessKey, string witnessName, string statePath, TimeProvider time)
    {
        this.ledger = ledger;
        this.trust = trust;
        this.hasher = hasher;
        this.witnessKey = witnessKey;
        this.witnessName = witnessName;
        this.statePath = statePath;
        this.time = time;
        _ = Cosignature.KeyId(witnessName, witnessKey.Public); // refuses a non-Ed25519 key up front
    }

    public async Task<WitnessStep> StepAsync(CancellationToken cancellation)
    {
        var served = await ledger.GetCheckpointAsync(0, cancellation).ConfigureAwait(false);
        var latest = CheckpointVerifier.Verify(served, trust);
        if (!latest.IsValid)
        {
            return new WitnessStep(WitnessStepKind.Refused, $"not cosigning the served checkpoint: {latest.Problem}");
        }

        var latestNote = SignedNote.Parse(served);
        var checkpoint = latest.Checkpoint!;
        var last = WitnessState.Load(statePath);
        if (last is null)
        {
            return await CosignAsync(latestNote, checkpoint, "first checkpoint this witness has seen", cancellation).ConfigureAwait(false);
        }

        var lastCheckpoint = Checkpoint.Parse(last.Text);
        if (!string.Equals(lastCheckpoint.Origin, checkpoint.Origin, StringComparison.Ordinal))
        {
            return new WitnessStep(WitnessStepKind.Refused, $"the state file is for origin '{lastCheckpoint.Origin}', the node serves '{checkpoint.Origin}'");
        }

        if (checkpoint.TreeSize == lastCheckpoint.TreeSize)
        {
            if (!checkpoint.RootHash.SequenceEqual(lastCheckpoint.RootHash))
            {
                return Fork(last, latestNote, ForkEvidence.SameSizeDifferentRootsKind, $"two quorum-signed checkpoints of size {checkpoint.TreeSize} with different roots", []);
            }

            if (!latest.Witnesses.Any(w => w.Name == witnessName))
            {
                // The node lacks our cosignature (restart, lost request): hand it the one we made.
                await ledger.AddCosignatureAsync(last.Format(), cancellation).ConfigureAwait(false);
            }

            return new WitnessStep(WitnessStepKind.Unchanged, $"still at size {checkpoint.TreeSize}", checkpoint);
        }

        if (checkpoint.TreeSize < lastCheckpoint.TreeSize)
        {
            // A node behind the last cosigned size: fine if it is a prefix, a fork if not.
            var back = await ledger.GetConsistencyProofAsync(checkpoint.TreeSize, lastCheckpoint.TreeSize, cancellation).ConfigureAwait(false);
            return CheckpointConsistency.Check(hasher, checkpoint, lastCheckpoint, back, out var backResult) == ConsistencyOutcome.Consistent
                ? new WitnessStep(WitnessStepKind.Refused, $"the node serves size {checkpoint.TreeSize}, behind the cosigned {lastCheckpoint.TreeSize}; waiting", checkpoint)
                : Fork(last, latestNote, ForkEvidence.ConsistencyProofFailedKind, $"size {checkpoint.TreeSize} is not a prefix of the cosigned size {lastCheckpoint.TreeSize}: {backResult}", back);
        }

        var proof = await ledger.GetConsistencyProofAsync(lastCheckpoint.TreeSize, checkpoint.TreeSize, cancellation).ConfigureAwait(false);
        var outcome = CheckpointConsistency.Check(hasher, lastCheckpoint, checkpoint, proof, out var result);
        if (outcome != ConsistencyOutcome.Consistent)
        {
            return Fork(last, latestNote, ForkEvidence.ConsistencyProofFailedKind, $"no valid consistency proof from the cosigned size {lastCheckpoint.TreeSize} to {checkpoint.TreeSize}: {result}", proof);
        }

        return await CosignAsync(latestNote, checkpoint, $"consistent with the cosigned size {lastCheckpoint.TreeSize}", cancellation).ConfigureAwait(false);
    }

    private async Task<WitnessStep> CosignAsync(SignedNote note, Checkpoint checkpoint, string why, CancellationToken cancellation)
    {
        var now = (ulong)time.GetUtcNow().ToUnixTimeSeconds();
        var cosigned = note.WithSignature(Cosignature.Sign(witnessKey, witnessName, checkpoint, now));

        // Remember before telling: a crash after sending must not let us forget what we vouched for.
        WitnessState.Save(statePath, cosigned);
        await ledger.AddCosignatureAsync(cosigned.Format(), cancellation).ConfigureAwait(false);
        return new WitnessStep(WitnessStepKind.Cosigned, $"cosigned size {checkpoint.TreeSize} ({why})", checkpoint);
    }

    private WitnessStep Fork(SignedNote earlier, SignedNote later, string kind, string detail, IReadOnlyList<byte[]> proof)
    {
        var evidence = new ForkEvidence(kind, detail, witnessName, (ulong)time.GetUtcNow().ToUnixTimeSeconds(), earlier, later, proof);
        return new WitnessStep(WitnessStepKind.Fork, $"FORK: {detail}; refusing to cosign", Checkpoint.Parse(later.Text), evidence);
    }
}
