using Ledger.Core.Protocol;

namespace Ledger.Chaos.Checking.Chain;

/// <summary>One node's own chain, read through its public API (never redirected to another node).</summary>
public interface INodeChain
{
    string NodeId { get; }

    /// <summary>The node's block height now.</summary>
    Task<ulong> GetHeightAsync(CancellationToken cancellation);

    /// <summary>The node's blocks [from, to] in order (fewer if it has fewer).</summary>
    IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, CancellationToken cancellation);
}
