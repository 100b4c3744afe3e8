using System.Runtime.CompilerServices;
using Ledger.Client;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Checking.Chain;

/// <summary>
/// A node's chain through the SDK, pinned to that node: the client is given only its endpoint, so a
/// leader hint cannot move the reads elsewhere, and blocks are read at local consistency.
/// </summary>
public sealed class ClientNodeChain : INodeChain, IAsyncDisposable
{
    private readonly LedgerClient client;

    public ClientNodeChain(CheckedNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Client.Endpoints.Count != 1)
        {
            throw new ArgumentException($"node {node.NodeId}: the chain checks read one node at a time, so its client options name exactly one endpoint (got {node.Client.Endpoints.Count})", nameof(node));
        }

        NodeId = node.NodeId;
        client = new LedgerClient(node.Client);
    }

    public string NodeId { get; }

    public async Task<ulong> GetHeightAsync(CancellationToken cancellation)
    {
        var status = await client.StatusAsync(cancellation).ConfigureAwait(false);
        return status.Height;
    }

    public async IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var block in client.GetBlocksAsync(fromHeight, toHeight, cancellation).ConfigureAwait(false))
        {
            yield return block;
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
