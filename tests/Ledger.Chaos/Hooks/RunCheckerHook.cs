using Ledger.Chaos.Checking;
using Ledger.Client;

namespace Ledger.Chaos.Hooks;

/// <summary>The checker's <see cref="RunChecker"/>, reading each node's chain through an SDK client pinned to it.</summary>
public sealed class RunCheckerHook : IChaosChecker
{
    public async Task<CheckVerdict> CheckAsync(CheckContext context, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        var genesis = await File.ReadAllBytesAsync(context.GenesisPath, cancel).ConfigureAwait(false);
        var nodes = context.Nodes.Select(n => new CheckedNode(n.NodeId, new LedgerClientOptions { Endpoints = [new Uri(n.PublicUrl)] })).ToList();
        return await RunChecker.CheckAsync(context.History, nodes, genesis, context.RunDirectory, cancel).ConfigureAwait(false);
    }
}
