using Ledger.Core.Checkpoints;
using Ledger.Core.Merkle;

namespace Ledger.Core.Evidence;

/// <summary>
/// The bundle's checkpoint (docs/evidence-bundle.md, "Checkpoint and witnesses"): a C2SP
/// tlog-checkpoint signed by a quorum of the consortium's nodes and cosigned by the registered
/// witnesses, whose log the certified header's log is a prefix of. It tells the court which
/// independent witnesses saw this same log, so a split view would need their collusion too.
/// </summary>
public static partial class EvidenceVerifier
{
    private sealed partial class Run
    {
        private CheckpointReport? checkpointReport;

        private (EvidenceCheckStatus, string) VerifyCheckpoint()
        {
            if (bundle.Checkpoint is not { } given)
            {
                return Skip("none in the bundle: no witness's cosignature vouches for this log here");
            }

            if (consortium is null || chainHash is null || bundle.CertifiedHeader.Header is null)
            {
                return Fail("no valid genesis, governance or header");
            }

            // The node set and witnesses as of the transaction: later governance changes are not in the bundle.
            var verification = CheckpointVerifier.Verify(given.SignedNote, CheckpointTrust.FromConsortium(consortium));
            if (!verification.IsValid || verification.Checkpoint is not { } checkpoint)
            {
                return Fail($"the checkpoint does not verify: {verification.Problem}");
            }

            // A bundle is a curated document: every line must be one the check above verified, so no
            // byte of it goes unchecked (an unknown key's line would be ignored by a note verifier).
            var lines = SignedNote.Parse(given.SignedNote).Signatures.Count;
            if (lines != verification.SigningNodes.Count + verification.Witnesses.Count)
            {
                return Fail($"the checkpoint carries {lines} signature lines, only {verification.SigningNodes.Count + verification.Witnesses.Count} by consortium nodes or registered witnesses");
            }

            var header = Header;
            if (checkpoint.TreeSize < header.LogSize)
            {
                return Fail($"the checkpoint's log size {checkpoint.TreeSize} is below the certified header's {header.LogSize}");
            }

            var certified = new Checkpoint(checkpoint.Origin, header.LogSize, header.LogRoot.Span);
            var outcome = CheckpointConsistency.Check(new MerkleHasher(chainHash), certified, checkpoint, given.ConsistencyPath, out var proofResult);
            if (outcome != ConsistencyOutcome.Consistent)
            {
                return Fail($"the certified log (size {header.LogSize}) is not a prefix of the checkpoint's (size {checkpoint.TreeSize}): {outcome} ({proofResult})");
            }

            checkpointReport = new CheckpointReport
            {
                TreeSize = checkpoint.TreeSize,
                SigningNodeIds = verification.SigningNodes,
                Witnesses = verification.Witnesses,
            };
            var witnesses = verification.Witnesses.Count == 0
                ? "no registered witness cosigned it"
                : "cosigned by " + string.Join(", ", verification.Witnesses.Select(w => $"witness '{w.Name}' at {EvidenceReport.FormatUtcSeconds(w.TimestampUnixSeconds)}"));
            return Pass($"checkpoint of log size {checkpoint.TreeSize} signed by {string.Join(", ", verification.SigningNodes)} (quorum {verification.Quorum}); {witnesses}; the certified log (size {header.LogSize}) is a prefix of it");
        }
    }
}

/// <summary>What the bundle's checkpoint proved: its size, the nodes that signed it, the witnesses that cosigned it.</summary>
public sealed class CheckpointReport
{
    public required ulong TreeSize { get; init; }

    public required IReadOnlyList<string> SigningNodeIds { get; init; }

    public required IReadOnlyList<WitnessCosignature> Witnesses { get; init; }
}
