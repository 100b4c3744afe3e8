using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Chaos.History;
using Ledger.Client.Audit;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Chaos.Checking.Chain;

/// <summary>
/// The end-of-run checks over the nodes' chains, read in lockstep chunks of about
/// <see cref="ChunkTransactionsTarget"/> transactions (at most <see cref="ChunkBlocksMax"/> blocks) per
/// node, so memory stays bounded by a chunk per node plus one entry per transaction:
/// <list type="bullet">
/// <item>at every height, the nodes holding it must hold byte-identical blocks; the largest group of
/// agreeing nodes gives the agreed block and every other node is counted diverged (once);</item>
/// <item>the agreed chain passes the audit of <c>ledger audit</c> (<see cref="ChainAuditor"/>); a node
/// that agrees with it byte for byte passes the same audit, so it is audited once, and every node
/// holding a failing block counts as an audit failure;</item>
/// <item>every acknowledged registration is in the agreed chain at its receipt's height and position,
/// with its hash and an accepted result (lost otherwise, saying where it is if elsewhere);</item>
/// <item>no transaction hash appears twice in the agreed chain (duplicated).</item>
/// </list>
/// </summary>
public static class ChainChecker
{
    /// <summary>Most blocks read from each node per step (small blocks).</summary>
    public const int ChunkBlocksMax = 256;

    /// <summary>Transactions a step aims to read from each node: the next chunk's block count follows the last chunk's block sizes.</summary>
    public const int ChunkTransactionsTarget = 8_192;

    /// <summary>Blocks in the first chunk, before the block sizes are known (fewer when the target is smaller).</summary>
    private const int FirstChunkBlocks = 16;

    public static Task<ChainReport> CheckAsync(IReadOnlyList<Operation> history, IReadOnlyList<INodeChain> nodes, ConsortiumGenesis genesis, CancellationToken cancellation = default) =>
        CheckAsync(history, nodes, genesis, ChunkTransactionsTarget, cancellation);

    /// <summary>As <see cref="CheckAsync(IReadOnlyList{Operation}, IReadOnlyList{INodeChain}, ConsortiumGenesis, CancellationToken)"/>, with another chunk size (tests cross chunk boundaries with small ones).</summary>
    public static async Task<ChainReport> CheckAsync(IReadOnlyList<Operation> history, IReadOnlyList<INodeChain> nodes, ConsortiumGenesis genesis, int chunkTransactionsTarget, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkTransactionsTarget, 1);
        var run = new Run(history, genesis, chunkTransactionsTarget);
        await run.ExecuteAsync(nodes, cancellation).ConfigureAwait(false);
        return run.ToReport();
    }

    private sealed class Run(IReadOnlyList<Operation> history, ConsortiumGenesis genesis, int chunkTransactionsTarget)
    {
        private readonly IHashAlgorithm hash = CryptoSuites.Get(genesis.Suite).Hash;
        private readonly ChainAuditor auditor = new(genesis);
        private readonly ViolationList violations = new();
        private readonly Dictionary<string, ulong> heights = new(StringComparer.Ordinal);
        private readonly HashSet<string> diverged = new(StringComparer.Ordinal);
        private readonly HashSet<string> unreachable = new(StringComparer.Ordinal);
        private readonly Dictionary<Hash32, (ulong Height, int Position)> seen = [];

        /// <summary>Where each transaction was accepted (result OK). A resubmitted copy the nonce rule rejects is the
        /// ledger's documented record of a retry (BlockStore keeps it in its block with its own result), not a duplicate.</summary>
        private readonly Dictionary<Hash32, (ulong Height, int Position)> accepted = [];
        private readonly Dictionary<ulong, List<(Operation Operation, Hash32 Key)>> ackedByHeight = [];
        private readonly List<(Operation Operation, string Reason, Hash32? Key)> lost = [];
        private long acked;
        private long duplicated;
        private long auditFailures;

        public async Task ExecuteAsync(IReadOnlyList<INodeChain> nodes, CancellationToken cancellation)
        {
            IndexAcknowledged();
            var live = new List<INodeChain>();
            foreach (var node in nodes)
            {
                try
                {
                    heights[node.NodeId] = await node.GetHeightAsync(cancellation).ConfigureAwait(false);
                    live.Add(node);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    MarkUnreachable(node.NodeId, "status", exception);
                }
            }

            var top = live.Count == 0 ? 0 : live.Max(n => heights[n.NodeId]);
            var chunkBlocks = Math.Min(FirstChunkBlocks, (ulong)chunkTransactionsTarget);
            ulong from = 1;
            while (from <= top && live.Count > 0)
            {
                var to = Math.Min(top, from + chunkBlocks - 1);
                var fetched = await Task.WhenAll(live.Select(n => FetchAsync(n, from, Math.Min(to, heights[n.NodeId]), cancellation))).ConfigureAwait(false);
                var holders = new List<(string NodeId, IReadOnlyList<Block> Blocks)>();
                for (var i = 0; i < live.Count; i++)
                {
                    if (fetched[i].Error is { } error)
                    {
                        MarkUnreachable(live[i].NodeId, $"blocks {from}..{to}", error);
                    }
                    else
                    {
                        holders.Add((live[i].NodeId, fetched[i].Blocks));
                    }
                }

                live.RemoveAll(n => unreachable.Contains(n.NodeId));
                var transactions = CheckChunk(from, to, holders);
                chunkBlocks = Math.Clamp((ulong)chunkTransactionsTarget * (to - from + 1) / Math.Max(1UL, (ulong)transactions), 1UL, ChunkBlocksMax);
                from = to + 1;
            }

            foreach (var (height, operations) in ackedByHeight)
            {
                foreach (var (operation, key) in operations)
                {
                    lost.Add((operation, $"no node reached height {height}", key));
                }
            }
        }

        public ChainReport ToReport()
        {
            foreach (var (operation, reason, key) in lost.OrderBy(l => l.Operation.Id))
            {
                var details = new List<string> { HeightsLine(), reason };
                if (key is { } k && seen.TryGetValue(k, out var at))
                {
                    details.Add($"the transaction is in the chain at {at.Height}/{at.Position} instead");
                }
                else if (key is not null)
                {
                    details.Add("the transaction is nowhere in the agreed chain");
                }

                violations.Add(new Violation(ViolationKind.Lost, $"acknowledged registration #{operation.Id} (tx {operation.TransactionHash}) is not where its receipt put it ({operation.BlockHeight}/{operation.Position})")
                {
                    WorkKey = operation.WorkKey,
                    Slice = [operation],
                    Details = details,
                });
            }

            return new ChainReport
            {
                Acked = acked,
                Lost = lost.Count,
                Duplicated = duplicated,
                Diverged = diverged.Count,
                AuditFailures = auditFailures,
                Unreachable = unreachable.Count,
                AuditedHeight = auditor.VerifiedHeight,
                FindTransaction = hex => Hash32.TryParse(hex, out var key) && seen.TryGetValue(key, out var at) ? at : null,
                ChainRead = heights.Keys.Any(id => !unreachable.Contains(id)),
                NodeHeights = new Dictionary<string, ulong>(heights, StringComparer.Ordinal),
                Violations = violations.ToList(),
            };
        }

        private void IndexAcknowledged()
        {
            foreach (var operation in history)
            {
                if (operation.Kind != OperationKind.Register || operation.Outcome != OutcomeKind.Ok)
                {
                    continue;
                }

                acked++;
                if (operation.BlockHeight is not { } height || operation.Position is null || !Hash32.TryParse(operation.TransactionHash, out var key))
                {
                    lost.Add((operation, "acknowledged without a receipt naming a block height, a position and a transaction hash", null));
                    continue;
                }

                if (!ackedByHeight.TryGetValue(height, out var list))
                {
                    list = [];
                    ackedByHeight.Add(height, list);
                }

                list.Add((operation, key));
            }
        }

        /// <summary>Checks heights [from, to] and returns how many transactions the agreed blocks held.</summary>
        private long CheckChunk(ulong from, ulong to, List<(string NodeId, IReadOnlyList<Block> Blocks)> holders)
        {
            long transactions = 0;
            var agreed = new List<Block>();
            var agreeing = new List<List<string>>();
            for (var height = from; height <= to; height++)
            {
                var offset = (int)(height - from);
                var groups = new List<(Hash32 Digest, Block Block, List<string> Nodes)>();
                foreach (var (nodeId, blocks) in holders)
                {
                    if (offset >= blocks.Count)
                    {
                        continue;
                    }

                    var digest = Hash32.From(SHA256.HashData(blocks[offset].ToByteArray()));
                    var group = groups.FindIndex(g => g.Digest == digest);
                    if (group < 0)
                    {
                        groups.Add((digest, blocks[offset], [nodeId]));
                    }
                    else
                    {
                        groups[group].Nodes.Add(nodeId);
                    }
                }

                if (groups.Count == 0)
                {
                    // The nodes said they had this height but sent less: nothing agreed from here in this chunk.
                    break;
                }

                // The largest group is the agreed block; on a tie, the group of the earliest node listed.
                var reference = groups.OrderByDescending(g => g.Nodes.Count).First();
                foreach (var other in groups.Where(g => g.Digest != reference.Digest))
                {
                    foreach (var nodeId in other.Nodes.Where(diverged.Add))
                    {
                        violations.Add(new Violation(ViolationKind.Diverged, $"node {nodeId} holds another block at height {height} than {string.Join(", ", reference.Nodes)}")
                        {
                            Details =
                            [
                                HeightsLine(),
                                $"{nodeId}: block {Describe(other.Block)}",
                                $"{string.Join(", ", reference.Nodes)}: block {Describe(reference.Block)}",
                            ],
                        });
                    }
                }

                agreed.Add(reference.Block);
                agreeing.Add(reference.Nodes);
                transactions += reference.Block.Transactions.Count;
                CheckTransactions(height, reference.Block);
            }

            if (auditor.Failure is null && agreed.Count > 0 && !auditor.Append(agreed))
            {
                var failure = auditor.Failure!;
                var index = (int)(failure.Height - from);
                var nodes = index >= 0 && index < agreeing.Count ? agreeing[index] : [];
                auditFailures = nodes.Count;
                violations.Add(new Violation(ViolationKind.AuditFailed, $"the agreed chain fails the audit at block {failure.Height}: {failure.Reason}")
                {
                    Details = [HeightsLine(), $"nodes holding that block: {string.Join(", ", nodes)}"],
                });
            }

            return transactions;
        }

        private void CheckTransactions(ulong height, Block block)
        {
            var keys = new Hash32[block.Transactions.Count];
            for (var position = 0; position < keys.Length; position++)
            {
                var key = Hash32.From(TransactionHashing.ComputeHash(hash, block.Transactions[position]));
                keys[position] = key;
                seen.TryAdd(key, (height, position));
                var isAccepted = position < block.Results.Count && block.Results[position].Code == ResultCode.Ok;
                if (isAccepted && !accepted.TryAdd(key, (height, position)))
                {
                    duplicated++;
                    var first = accepted[key];
                    var hex = key.ToString();
                    violations.Add(new Violation(ViolationKind.Duplicated, $"transaction {hex} was accepted at {first.Height}/{first.Position} and accepted again at {height}/{position}")
                    {
                        Slice = [.. history.Where(o => o.Kind == OperationKind.Register && string.Equals(o.TransactionHash, hex, StringComparison.OrdinalIgnoreCase))],
                        Details = [HeightsLine()],
                    });
                }
            }

            if (!ackedByHeight.Remove(height, out var acknowledged))
            {
                return;
            }

            foreach (var (operation, key) in acknowledged)
            {
                var position = operation.Position!.Value;
                if (position < 0 || position >= keys.Length)
                {
                    lost.Add((operation, $"block {height} has {keys.Length} transactions, no position {position}", key));
                }
                else if (keys[position] != key)
                {
                    lost.Add((operation, $"block {height} position {position} holds transaction {keys[position]}", key));
                }
                else if (position >= block.Results.Count || block.Results[position].Code != ResultCode.Ok)
                {
                    lost.Add((operation, $"block {height} position {position} holds it, but records it {(position < block.Results.Count ? block.Results[position].Code.ToString() : "without a result")}: {(position < block.Results.Count ? block.Results[position].Reason : "")}", null));
                }
            }
        }

        private void MarkUnreachable(string nodeId, string what, Exception exception)
        {
            if (unreachable.Add(nodeId))
            {
                violations.Add(new Violation(ViolationKind.Unreachable, $"node {nodeId} did not answer ({what}): {exception.GetType().Name}: {exception.Message}") { Details = [HeightsLine()] });
            }
        }

        private string Describe(Block block) =>
            block.Header is null ? "without a header" : $"hash {Convert.ToHexStringLower(BlockHash.Compute(block.Header, hash))[..16]} ({block.Transactions.Count} transactions, term {block.Header.RaftTerm}, index {block.Header.RaftIndex}, proposer {block.Header.ProposerNodeId})";

        private string HeightsLine() => $"node heights: {string.Join(", ", heights.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}";

        private static async Task<(IReadOnlyList<Block> Blocks, Exception? Error)> FetchAsync(INodeChain node, ulong from, ulong to, CancellationToken cancellation)
        {
            var blocks = new List<Block>();
            if (to < from)
            {
                return (blocks, null);
            }

            try
            {
                await foreach (var block in node.GetBlocksAsync(from, to, cancellation).ConfigureAwait(false))
                {
                    blocks.Add(block);
                }

                return (blocks, null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return (blocks, exception);
            }
        }
    }
}
