using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence.Export;

/// <summary>
/// Gathers what an evidence bundle needs to check signatures at a height: every accepted
/// governance transaction (ProposeChange, Vote) before a given transaction, each with its
/// inclusion proof into the log of the header the bundle carries. Found by reading the chain
/// from block 1 (the registry keeps no index of governance transactions yet), so it costs one
/// pass over the blocks up to the height; only the governance transactions are kept.
/// </summary>
public static class GovernanceEvidenceCollector
{
    public static async Task<GovernanceCollection> CollectAsync(IEvidenceSource source, BlockHeader header, uint position, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(header);
        var genesis = source.Genesis;
        var state = new ConsortiumState(genesis);
        var beforeBlock = new ConsortiumState(genesis);
        await foreach (var block in source.GetBlocksAsync(1, header.Height, cancellation).ConfigureAwait(false))
        {
            var height = block.Header.Height;
            var count = height == header.Height ? (int)Math.Min(position, (uint)block.Transactions.Count) : block.Transactions.Count;
            for (var i = 0; i < count; i++)
            {
                var transaction = block.Transactions[i];
                EnvelopeFields.TryRead(transaction.Envelope.Span, out var type, out _);
                if (type is not (TransactionType.ProposeChange or TransactionType.Vote) || block.Results[i].Code != ResultCode.Ok)
                {
                    continue;
                }

                var txHash = TransactionHashing.ComputeHash(source.ChainHash, transaction);
                state.Observe(height, (uint)i, transaction, txHash, block.Results[i]);
                if (height < header.Height)
                {
                    beforeBlock.Observe(height, (uint)i, transaction, txHash, block.Results[i]);
                }
            }
        }

        var changes = new List<GovernanceChangeEvidence>(state.History.Count);
        foreach (var entry in state.History)
        {
            var proof = await source.GetInclusionProofAsync(entry.TransactionHash, header.LogSize, cancellation).ConfigureAwait(false);
            changes.Add(new GovernanceChangeEvidence
            {
                Transaction = entry.Transaction,
                Result = entry.Result,
                BlockHeight = entry.Height,
                Position = entry.Position,
                LogInclusion = proof,
            });
        }

        return new GovernanceCollection(changes, beforeBlock);
    }
}

/// <summary>The governance transactions for a bundle and the node set in force for its header.</summary>
public sealed record GovernanceCollection(IReadOnlyList<GovernanceChangeEvidence> Changes, ConsortiumState NodeSetForHeader);
