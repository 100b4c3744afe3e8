using Ledger.Core.Checkpoints;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;

namespace Ledger.Cluster.Tests.Support;

/// <summary>
/// A checkpoint witness written with Ledger.Core/Checkpoints alone, as the C2SP tlog-witness
/// algorithm goes: fetch a node's checkpoint, check its node signatures against the consortium
/// (a quorum), check a consistency proof from the last checkpoint this witness cosigned, then cosign
/// and hand the cosignature to that node. It refuses (and keeps the fork's two checkpoints) when the
/// new checkpoint does not extend the last one.
/// </summary>
public sealed class CoreApiWitness(CheckpointTrust trust, KeyPair key, string name)
{
    private readonly MerkleHasher hasher = new(Sha256HashAlgorithm.Instance);

    /// <summary>The last checkpoint this witness cosigned; null before the first.</summary>
    public Checkpoint? LastCosigned { get; private set; }

    /// <summary>Cosigns <paramref name="node"/>'s latest checkpoint when it extends the last one; returns what happened.</summary>
    public async Task<WitnessOutcome> CosignLatestAsync(LedgerApi.LedgerApiClient node)
    {
        var served = (await node.GetCheckpointAsync(new GetCheckpointRequest())).SignedNote;
        return await CosignAsync(node, served);
    }

    /// <summary>Checks <paramref name="signedNote"/> (as some server presented it) and, when it extends the last cosigned checkpoint, cosigns it at <paramref name="node"/>.</summary>
    public async Task<WitnessOutcome> CosignAsync(LedgerApi.LedgerApiClient node, string signedNote)
    {
        var verification = CheckpointVerifier.Verify(signedNote, trust);
        if (!verification.IsValid || !verification.QuorumMet)
        {
            return new WitnessOutcome(false, $"not a checkpoint of this consortium: {verification.Problem}", verification.Checkpoint);
        }

        var checkpoint = verification.Checkpoint!;
        if (LastCosigned is { } last)
        {
            var proof = last.TreeSize < checkpoint.TreeSize && last.TreeSize > 0
                ? (await node.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = last.TreeSize, SecondSize = checkpoint.TreeSize })).Path.Select(p => p.ToByteArray()).ToList()
                : [];
            var consistency = last.TreeSize <= checkpoint.TreeSize
                ? CheckpointConsistency.Check(hasher, last, checkpoint, proof, out _)
                : ConsistencyOutcome.ProofFailed;
            if (consistency != ConsistencyOutcome.Consistent)
            {
                return new WitnessOutcome(false, $"FORK ({consistency}): {checkpoint} does not extend the cosigned {last}", checkpoint, last);
            }
        }

        var cosignature = Cosignature.Sign(key, name, checkpoint, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var note = SignedNote.Parse(signedNote).WithSignature(cosignature);
        await node.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = note.Format() });
        LastCosigned = checkpoint;
        return new WitnessOutcome(true, $"cosigned {checkpoint}", checkpoint);
    }
}

/// <summary>A witness step: cosigned or refused, why, the checkpoint, and for a fork the earlier cosigned checkpoint it contradicts.</summary>
public sealed record WitnessOutcome(bool Cosigned, string Detail, Checkpoint? Checkpoint, Checkpoint? Contradicted = null);
