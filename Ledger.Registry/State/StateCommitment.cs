using Ledger.Core.Hashing;
using Ledger.Registry.Applying;

namespace Ledger.Registry.State;

/// <summary>
/// Folds a block's writes into the stored <see cref="StateAccumulator"/> and yields the new state
/// root. Only committed key spaces count (<see cref="KeySpaces.IsCommitted"/>); each written key
/// costs one removal of its old entry (if any) and one addition of its new entry (if any),
/// however often the block changed it.
/// </summary>
internal static class StateCommitment
{
    public static byte[] Fold(IRegistryStateReader before, WriteBuffer block, IHashAlgorithm hash)
    {
        var accumulator = before.TryGet(StateKeys.StateAccumulator(), out var stored)
            ? StateAccumulator.FromBytes(hash, stored)
            : new StateAccumulator(hash);
        // The lane-wise sum is commutative, so hash-table order cannot change the result.
        foreach (var write in block.UnorderedWrites())
        {
            if (!KeySpaces.IsCommitted(write.Key.Space))
            {
                continue;
            }

            if (before.TryGet(write.Key, out var old))
            {
                accumulator.Remove(write.Key.Span, old);
            }

            if (write.Value is not null)
            {
                accumulator.Add(write.Key.Span, write.Value);
            }
        }

        block.Put(StateKeys.StateAccumulator(), accumulator.ToBytes());
        return accumulator.ComputeRoot();
    }

    /// <summary>Recomputes the root from every committed entry (audit and tests: must equal the incremental root).</summary>
    public static byte[] Recompute(IRegistryStateReader state, IHashAlgorithm hash)
    {
        var accumulator = new StateAccumulator(hash);
        for (var space = 0; space < (int)KeySpace.FirstIndexSpace; space++)
        {
            foreach (var entry in state.Scan(new StateKey([(byte)space])))
            {
                accumulator.Add(entry.Key.Span, entry.Value);
            }
        }

        return accumulator.ComputeRoot();
    }

    public static byte[] StoredRoot(IRegistryStateReader state, IHashAlgorithm hash)
    {
        if (!state.TryGet(StateKeys.StateAccumulator(), out var stored))
        {
            throw new RegistryInvariantException("state has no accumulator: it was not initialized from a genesis");
        }

        return StateAccumulator.FromBytes(hash, stored).ComputeRoot();
    }
}
