using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Chaos.History;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Chaos.Hooks;

/// <summary>
/// The harness's own checker until the checker helper's is plugged in: every node's chain is
/// byte-identical up to the lowest height, every acknowledged registration is in the chain at the
/// block and position its receipt named, and no transaction appears twice. It does not check
/// linearizability (nonlinearizable stays 0).
/// </summary>
public sealed class ChainChecker : IChaosChecker
{
    private const ulong PageBlocks = 500;
    private static readonly TimeSpan PageDeadline = TimeSpan.FromSeconds(60);

    public async Task<CheckVerdict> CheckAsync(CheckContext context, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(context);
        var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(context.GenesisPath, cancel).ConfigureAwait(false));
        var hash = CryptoSuites.Get(genesis.Suite).Hash;
        var chains = new List<(string NodeId, List<Block> Blocks)>();
        foreach (var node in context.Nodes)
        {
            chains.Add((node.NodeId, await ReadChainAsync(node, cancel).ConfigureAwait(false)));
        }

        var violations = new List<string>();
        var slice = "";
        var reference = chains.OrderByDescending(c => c.Blocks.Count).First();
        long diverged = 0;
        foreach (var (nodeId, blocks) in chains.Where(c => c.NodeId != reference.NodeId))
        {
            var common = Math.Min(blocks.Count, reference.Blocks.Count);
            for (var i = 0; i < common; i++)
            {
                if (!blocks[i].Equals(reference.Blocks[i]))
                {
                    diverged++;
                    violations.Add($"diverged: {nodeId}'s block {i + 1} differs from {reference.NodeId}'s");
                    break;
                }
            }
        }

        var positions = new Dictionary<string, (ulong Height, int Position)>(StringComparer.Ordinal);
        long duplicated = 0;
        foreach (var block in reference.Blocks)
        {
            for (var p = 0; p < block.Transactions.Count; p++)
            {
                var txHash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(hash, block.Transactions[p]));
                if (!positions.TryAdd(txHash, (block.Header.Height, p)))
                {
                    duplicated++;
                    violations.Add($"duplicated: transaction {txHash} at height {positions[txHash].Height} and again at {block.Header.Height}");
                }
            }
        }

        var acknowledged = context.History.Where(o => o.Kind == OperationKind.Register && o.Outcome == OutcomeKind.Ok && o.TransactionHash is not null).ToList();
        long lost = 0;
        foreach (var operation in acknowledged)
        {
            if (!positions.TryGetValue(operation.TransactionHash!, out var at) || at.Height != operation.BlockHeight || at.Position != operation.Position)
            {
                lost++;
                if (slice.Length == 0)
                {
                    slice = $"{operation}{Environment.NewLine}  chain of {reference.NodeId}: {(positions.TryGetValue(operation.TransactionHash!, out var seen) ? $"at height {seen.Height} position {seen.Position}" : "absent")}";
                }
            }
        }

        if (lost > 0)
        {
            violations.Add($"lost: {lost} acknowledged registrations not in the chain where their receipt said");
        }

        return new CheckVerdict
        {
            Acknowledged = acknowledged.Count,
            Lost = lost,
            Duplicated = duplicated,
            Diverged = diverged,
            Violations = violations.Take(20).ToList(),
            SmallestSlice = slice,
        };
    }

    private static async Task<List<Block>> ReadChainAsync(NodeEndpoint node, CancellationToken cancel)
    {
        using var channel = GrpcChannel.ForAddress(node.PublicUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
        var client = new LedgerApi.LedgerApiClient(channel);
        var status = await client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancel).ConfigureAwait(false);
        var blocks = new List<Block>((int)status.Height);
        for (ulong from = 1; from <= status.Height; from += PageBlocks)
        {
            var to = Math.Min(status.Height, from + PageBlocks - 1);
            using var call = client.GetBlocks(new GetBlocksRequest { FromHeight = from, ToHeight = to }, deadline: DateTime.UtcNow + PageDeadline, cancellationToken: cancel);
            await foreach (var block in call.ResponseStream.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }
}
