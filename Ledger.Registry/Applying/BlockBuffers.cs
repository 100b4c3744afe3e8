using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>
/// The write buffers of one block being applied: the block's buffer over the stored state and
/// the one transaction layer above it, with the transaction's effect list. An applier keeps one
/// set between blocks (<see cref="Take"/>, <see cref="Return"/>) so a block's tables are not
/// allocated afresh every block; concurrent blocks on one applier each get their own set.
/// </summary>
internal sealed class BlockBuffers
{
    private BlockBuffers(IRegistryStateReader state, int capacity)
    {
        Block = new WriteBuffer(state, capacity);
        Layer = new WriteBuffer(Block);
    }

    public WriteBuffer Block { get; }

    /// <summary>One transaction's writes, emptied after each transaction (committed or discarded).</summary>
    public WriteBuffer Layer { get; }

    /// <summary>One transaction's effects, emptied after each transaction.</summary>
    public List<RegistryEffect> TransactionEffects { get; } = [];

    /// <summary>The spare set (or a new one) ready for a block over <paramref name="state"/> with room for <paramref name="capacity"/> entries.</summary>
    public static BlockBuffers Take(ref BlockBuffers? spare, IRegistryStateReader state, int capacity)
    {
        var buffers = Interlocked.Exchange(ref spare, null);
        if (buffers is null)
        {
            return new BlockBuffers(state, capacity);
        }

        buffers.Block.BeginBlock(state, capacity);
        return buffers;
    }

    /// <summary>Empties the set (it keeps no value of the block) and keeps it as the spare.</summary>
    public static void Return(ref BlockBuffers? spare, BlockBuffers buffers)
    {
        buffers.Layer.Discard();
        buffers.TransactionEffects.Clear();
        buffers.Block.EndBlock();
        Volatile.Write(ref spare, buffers);
    }
}
