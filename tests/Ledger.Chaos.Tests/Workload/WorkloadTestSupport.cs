using Ledger.Chaos.History;
using Ledger.Chaos.Workload;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Tests.Support;

namespace Ledger.Chaos.Tests.Workload;

/// <summary>A small workload against an in-process cluster, and the chain checks the tests make of its history.</summary>
internal static class WorkloadTestSupport
{
    /// <summary>Options for <paramref name="cluster"/>: a modest rate (the test machine is small and shared), many duplicates, no evidence unless asked.</summary>
    public static WorkloadOptions OptionsFor(TestCluster cluster, string? runDirectory = null, int evidenceExportsMax = 0)
    {
        var nodes = new List<WorkloadNode>();
        foreach (var node in cluster.Consortium.Nodes)
        {
            nodes.Add(new WorkloadNode(node.NodeId, new Uri(node.PublicUrl)));
        }

        return new WorkloadOptions
        {
            Nodes = nodes,
            GenesisBytes = File.ReadAllBytes(cluster.Consortium.GenesisPath),
            Signers = [new WorkloadSigner("platform-1", cluster.Consortium.Platform)],
            RegistrationsPerSecond = 150,
            ClientCount = 2,
            ReaderCount = 2,
            ReadsPerSecond = 60,
            DuplicatesPerThousand = 50,
            EvidenceExportsMax = evidenceExportsMax,
            EvidenceInterval = TimeSpan.FromSeconds(1),
            RunDirectory = runDirectory,
            Seed = 7,
            DrainTimeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>Runs <paramref name="workload"/> for <paramref name="duration"/>, calling <paramref name="midway"/> halfway through.</summary>
    public static async Task<WorkloadSummary> RunForAsync(ChaosWorkload workload, TimeSpan duration, Func<Task>? midway = null)
    {
        using var stop = new CancellationTokenSource();
        var run = workload.RunAsync(stop.Token);
        await Task.Delay(duration / 2);
        if (midway is not null)
        {
            await midway();
        }

        await Task.Delay(duration / 2);
        await stop.CancelAsync();
        return await run.WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>
    /// Null when the chain of <paramref name="node"/> holds <paramref name="operation"/>'s transaction at the
    /// block and position it recorded, registering its content, with the result its outcome claims; otherwise what differs.
    /// </summary>
    public static Task<string?> DisagreementWithChainAsync(InProcessNode node, Operation operation) =>
        DisagreementWithChainAsync(async height => await node.Client.GetBlockAsync(new GetBlockRequest { Height = height }), operation);

    /// <summary>As above, reading blocks through <paramref name="blockAt"/>.</summary>
    public static async Task<string?> DisagreementWithChainAsync(Func<ulong, Task<Block>> blockAt, Operation operation)
    {
        if (operation.BlockHeight is not { } height || operation.Position is not { } position || operation.TransactionHash is null)
        {
            return $"operation {operation.Id} lacks block, position or transaction hash";
        }

        var block = await blockAt(height);
        if (position < 0 || position >= block.Transactions.Count)
        {
            return $"operation {operation.Id}: block {height} has {block.Transactions.Count} transactions, none at {position}";
        }

        var transaction = block.Transactions[position];
        var hash = Convert.ToHexStringLower(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction));
        if (hash != operation.TransactionHash)
        {
            return $"operation {operation.Id}: block {height} position {position} holds {hash}, the receipt named {operation.TransactionHash}";
        }

        var body = RegisterWork.Parser.ParseFrom(TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Body);
        if (Convert.ToHexStringLower(body.ContentHash.Sha256.Span) != operation.WorkKey)
        {
            return $"operation {operation.Id}: the transaction registers {Convert.ToHexStringLower(body.ContentHash.Sha256.Span)}, not {operation.WorkKey}";
        }

        var expected = operation.Outcome == OutcomeKind.Ok ? ResultCode.Ok : ResultCode.Rejected;
        return block.Results[position].Code == expected ? null : $"operation {operation.Id} is {operation.Outcome}, the chain says {block.Results[position].Code}";
    }

    /// <summary>The highest block any acknowledged registration named.</summary>
    public static ulong HighestAcknowledgedBlock(IReadOnlyList<Operation> history)
    {
        ulong highest = 0;
        foreach (var operation in history)
        {
            if (operation.Kind == OperationKind.Register && operation.BlockHeight is { } height)
            {
                highest = Math.Max(highest, height);
            }
        }

        return highest;
    }
}
