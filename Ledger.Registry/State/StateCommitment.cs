using Ledger.Core.Hashing;
using Ledger.Registry.Applying;

namespace Ledger.Registry.State;

/// <summary>
/// Folds a block's writes into the stored <see cref="StateAccumulator"/> and yields the new state
/// root. Only committed key spaces count (<see cref="KeySpaces.IsCommitted"/>); each written key
/// costs one removal of its old entry (if any) and one addition of its new entry (if any),
/// however often the block changed it. The lane-wise sum is commutative, so neither hash-table
/// order nor the split of the work across threads can change the result.
/// </summary>
internal static class StateCommitment
{
    /// <summary>Below this many committed writes the fold stays on the calling thread.</summary>
    public const int ParallelFoldWritesMin = 2_048;

    public static byte[] Fold(WriteBuffer block, IHashAlgorithm hash, int parallelismMax = 1)
    {
        var accumulator = block.TryGetStored(StateKeys.StateAccumulator(), out var stored)
            ? StateAccumulator.FromBytes(hash, stored)
            : new StateAccumulator(hash);
        var committedCount = 0;
        foreach (var write in block.UnorderedWrites())
        {
            committedCount += KeySpaces.IsCommitted(write.Key.Space) ? 1 : 0;
        }

        var workers = committedCount < ParallelFoldWritesMin ? 1 : Math.Max(1, Math.Min(parallelismMax, committedCount / (ParallelFoldWritesMin / 2)));
        if (workers == 1)
        {
            // Straight from the block's table: no list of the committed writes.
            foreach (var write in block.UnorderedWrites())
            {
                if (KeySpaces.IsCommitted(write.Key.Space))
                {
                    FoldOne(accumulator, block, write, cacheReads: true);
                }
            }
        }
        else
        {
            var committed = new List<KeyValuePair<StateKey, byte[]?>>(committedCount);
            foreach (var write in block.UnorderedWrites())
            {
                if (KeySpaces.IsCommitted(write.Key.Space))
                {
                    committed.Add(write);
                }
            }

            var partials = new StateAccumulator[workers];
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                var partial = new StateAccumulator(hash);
                for (var i = worker; i < committed.Count; i += workers)
                {
                    // Concurrent readers must not fill the block's read cache (a plain dictionary).
                    FoldOne(partial, block, committed[i], cacheReads: false);
                }

                partials[worker] = partial;
            });
            foreach (var partial in partials)
            {
                accumulator.Merge(partial);
            }
        }

        block.Put(StateKeys.StateAccumulator(), accumulator.ToBytes());
        return accumulator.ComputeRoot();
    }

    private static void FoldOne(StateAccumulator accumulator, WriteBuffer block, KeyValuePair<StateKey, byte[]?> write, bool cacheReads)
    {
        var hadOld = cacheReads ? block.TryGetStored(write.Key, out var old) : block.PeekStored(write.Key, out old);
        if (hadOld)
        {
            accumulator.Remove(write.Key.Span, old);
        }

        if (write.Value is not null)
        {
            accumulator.Add(write.Key.Span, write.Value);
        }
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
