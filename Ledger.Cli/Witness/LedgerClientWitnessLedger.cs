using Ledger.Client;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Witness;

/// <summary><see cref="IWitnessLedger"/> over the node's public gRPC API (with the client's endpoint failover).</summary>
public sealed class LedgerClientWitnessLedger : IWitnessLedger
{
    private readonly LedgerClient client;

    public LedgerClientWitnessLedger(LedgerClient client)
    {
        this.client = client;
    }

    public async Task<string> GetCheckpointAsync(ulong treeSize, CancellationToken cancellation)
    {
        var request = new GetCheckpointRequest { TreeSize = treeSize };
        var response = await client.InvokeAsync((api, call) => api.GetCheckpointAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
        return response.SignedNote;
    }

    public async Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation)
    {
        var proof = await client.GetConsistencyProofAsync(firstSize, secondSize, cancellation).ConfigureAwait(false);
        return [.. proof.Path.Select(hash => hash.ToByteArray())];
    }

    public async Task AddCosignatureAsync(string signedNote, CancellationToken cancellation)
    {
        var request = new AddCosignatureRequest { SignedNote = signedNote };
        await client.InvokeAsync((api, call) => api.AddCosignatureAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
    }
}
