using Ledger.Cli.Witness;
using Ledger.Core.Protocol;

namespace Ledger.Cluster.Tests.Support;

/// <summary>The witness loop's view of one node: its GetCheckpoint, GetConsistencyProof and AddCosignature RPCs.</summary>
public sealed class NodeWitnessLedger(LedgerApi.LedgerApiClient node) : IWitnessLedger
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public async Task<string> GetCheckpointAsync(ulong treeSize, CancellationToken cancellation) =>
        (await node.GetCheckpointAsync(new GetCheckpointRequest { TreeSize = treeSize }, deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellation)).SignedNote;

    public async Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation) =>
        (await node.GetConsistencyProofAsync(new GetConsistencyProofRequest { FirstSize = firstSize, SecondSize = secondSize }, deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellation)).Path.Select(p => p.ToByteArray()).ToList();

    public async Task AddCosignatureAsync(string signedNote, CancellationToken cancellation) =>
        await node.AddCosignatureAsync(new AddCosignatureRequest { SignedNote = signedNote }, deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellation);
}

/// <summary>
/// A split view: a server that shows the witness <paramref name="forged"/> (a checkpoint signed by a
/// quorum of node keys that is not the log the nodes hold) with <paramref name="proof"/> as its
/// consistency proof, and drops cosignatures.
/// </summary>
public sealed class ForgedWitnessLedger(string forged, IReadOnlyList<byte[]> proof) : IWitnessLedger
{
    public Task<string> GetCheckpointAsync(ulong treeSize, CancellationToken cancellation) => Task.FromResult(forged);

    public Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation) => Task.FromResult(proof);

    public Task AddCosignatureAsync(string signedNote, CancellationToken cancellation) => Task.CompletedTask;
}
