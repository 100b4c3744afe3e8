using Ledger.Cli.Witness;
using Ledger.Core.Checkpoints;
using Ledger.Core.Merkle;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>
/// The node side of a witness, in memory: serves the checkpoint it is told to, proofs from the
/// tree it is told to (a forked tree for a fork), and records the cosignatures it receives.
/// </summary>
public sealed class FakeWitnessLedger : IWitnessLedger
{
    public FakeWitnessLedger(string servedNote, MemoryMerkleTree tree)
    {
        ServedNote = servedNote;
        Tree = tree;
    }

    public string ServedNote { get; set; }

    /// <summary>The tree consistency proofs are built from.</summary>
    public MemoryMerkleTree Tree { get; set; }

    public List<string> ReceivedCosignatures { get; } = [];

    public List<(ulong First, ulong Second)> ProofRequests { get; } = [];

    /// <summary>GetCheckpoint calls that fail with Unavailable before the node answers.</summary>
    public int OutagesLeft { get; set; }

    /// <summary>Called after each cosignature is received.</summary>
    public Action? OnCosignature { get; set; }

    public Task<string> GetCheckpointAsync(ulong treeSize, CancellationToken cancellation)
    {
        if (OutagesLeft > 0)
        {
            OutagesLeft--;
            throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.Unavailable, "node down"));
        }

        return Task.FromResult(ServedNote);
    }

    public Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation)
    {
        ProofRequests.Add((firstSize, secondSize));
        IReadOnlyList<byte[]> proof = firstSize == 0 || firstSize >= secondSize || secondSize > Tree.Size ? [] : Tree.BuildConsistencyProof(firstSize, secondSize);
        return Task.FromResult(proof);
    }

    public Task AddCosignatureAsync(string signedNote, CancellationToken cancellation)
    {
        _ = SignedNote.Parse(signedNote);
        ReceivedCosignatures.Add(signedNote);
        OnCosignature?.Invoke();
        return Task.CompletedTask;
    }
}
