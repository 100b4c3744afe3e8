using System.Text;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;

namespace Ledger.Fuzz.Apply;

/// <summary>What a block did to the pair: an exception, a divergence, or the outcomes both agree on.</summary>
internal sealed record PairVerdict(IReadOnlyList<TransactionOutcome>? Outcomes, string? Exception, string? Divergence, string? BoundBreach);

/// <summary>
/// Two independent replicas of the registry (own state, own applier, different thread budgets) fed
/// identical blocks. After each block: neither threw, both recorded the same results and writes and
/// reached the same state root, and every recorded reason is within its bound and encodes as a log leaf.
/// </summary>
internal sealed class ReplicaPair
{
    private readonly Replica first;
    private readonly Replica second;

    public ReplicaPair(FuzzConsortium consortium)
    {
        var hash = consortium.Chain.Hash;
        first = new Replica(consortium, new RegistryOptions(hash, consortium.Chain.RegistryOptions.DeriveKeyId) { ParallelismMax = 1 });
        second = new Replica(consortium, new RegistryOptions(hash, consortium.Chain.RegistryOptions.DeriveKeyId) { ParallelismMax = 2 });
    }

    /// <summary>The first replica's state (the door reads it, as a node's door reads its own registry).</summary>
    public MemoryRegistryState State => first.State;

    public ulong Height { get; private set; }

    public PairVerdict Apply(BlockContext context, IReadOnlyList<RegistryTransaction> transactions)
    {
        BlockApplication a;
        BlockApplication b;
        try
        {
            a = first.Applier.ApplyBlock(first.State, context, transactions);
        }
        catch (Exception exception)
        {
            return new PairVerdict(null, $"replica 1: {exception}", null, null);
        }

        try
        {
            b = second.Applier.ApplyBlock(second.State, context, transactions);
        }
        catch (Exception exception)
        {
            return new PairVerdict(null, $"replica 2: {exception}", null, null);
        }

        var divergence = Compare(a, b);
        var breach = CheckBounds(a);
        first.State.Apply(a.Writes);
        second.State.Apply(b.Writes);
        Height = context.Height;
        return new PairVerdict(a.Outcomes, null, divergence, breach);
    }

    private static string? Compare(BlockApplication a, BlockApplication b)
    {
        if (!a.StateRoot.AsSpan().SequenceEqual(b.StateRoot))
        {
            return $"state roots differ: {Convert.ToHexString(a.StateRoot)} vs {Convert.ToHexString(b.StateRoot)}";
        }

        for (var i = 0; i < a.Outcomes.Count; i++)
        {
            if (!a.Outcomes[i].ToProto().Equals(b.Outcomes[i].ToProto()))
            {
                return $"results of transaction {i} differ: {a.Outcomes[i]} vs {b.Outcomes[i]}";
            }
        }

        if (a.Writes.Count != b.Writes.Count)
        {
            return $"write counts differ: {a.Writes.Count} vs {b.Writes.Count}";
        }

        for (var i = 0; i < a.Writes.Count; i++)
        {
            if (!a.Writes[i].Key.Equals(b.Writes[i].Key) || a.Writes[i].IsDelete != b.Writes[i].IsDelete || !a.Writes[i].Value.AsSpan().SequenceEqual(b.Writes[i].Value))
            {
                return $"write {i} differs";
            }
        }

        return null;
    }

    private static string? CheckBounds(BlockApplication application)
    {
        const int reasonBytesMax = RegistryLimits.ReasonNameBytesMax + 2 + RegistryLimits.OutcomeDetailBytesMax;
        for (var i = 0; i < application.Outcomes.Count; i++)
        {
            var result = application.Outcomes[i].ToProto();
            var bytes = Encoding.UTF8.GetByteCount(result.Reason);
            if (bytes > reasonBytesMax)
            {
                return $"transaction {i}: reason of {bytes} bytes exceeds {reasonBytesMax}";
            }

            try
            {
                LogLeaf.EncodeResult(result);
            }
            catch (Exception exception)
            {
                return $"transaction {i}: the log leaf refused its result: {exception.Message}";
            }

            foreach (var rejection in application.Outcomes[i].Batch?.Rejections ?? [])
            {
                if (Encoding.UTF8.GetByteCount(rejection.Reason) > RegistryLimits.BatchItemReasonBytesMax)
                {
                    return $"transaction {i}: batch item {rejection.ItemIndex} reason exceeds {RegistryLimits.BatchItemReasonBytesMax} bytes";
                }
            }
        }

        return null;
    }

    private sealed class Replica
    {
        public Replica(FuzzConsortium consortium, RegistryOptions options)
        {
            Applier = new RegistryApplier(options);
            RegistryGenesis.Initialize(State, consortium.Genesis, options);
        }

        public MemoryRegistryState State { get; } = new();

        public RegistryApplier Applier { get; }
    }
}
