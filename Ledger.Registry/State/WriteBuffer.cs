using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;

namespace Ledger.Registry.State;

/// <summary>
/// Pending writes layered over a parent view: the block's buffer sits on the stored state and each
/// transaction's buffer sits on the block's, so a rejected transaction is dropped whole and
/// changes nothing. Reads see this layer first. Only point reads: the applier never scans.
/// </summary>
internal sealed class WriteBuffer
{
    private readonly IRegistryStateReader? baseState;
    private readonly WriteBuffer? parent;
    private readonly Dictionary<StateKey, byte[]?> pending = [];

    public WriteBuffer(IRegistryStateReader baseState)
    {
        this.baseState = baseState;
    }

    public WriteBuffer(WriteBuffer parent)
    {
        this.parent = parent;
    }

    public int PendingCount => pending.Count;

    public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value)
    {
        if (pending.TryGetValue(key, out value))
        {
            return value is not null;
        }

        return parent is not null ? parent.TryGet(key, out value) : baseState!.TryGet(key, out value);
    }

    public bool Contains(StateKey key) => TryGet(key, out _);

    public T? Get<T>(StateKey key, MessageParser<T> parser)
        where T : class, IMessage<T>
        => TryGet(key, out var bytes) ? parser.ParseFrom(bytes) : null;

    public void Put(StateKey key, byte[] value) => pending[key] = value;

    public void Put(StateKey key, IMessage record) => pending[key] = record.ToByteArray();

    public void PutMarker(StateKey key) => pending[key] = [];

    public void Delete(StateKey key) => pending[key] = null;

    /// <summary>Moves this layer's writes into the parent layer (a transaction that succeeded).</summary>
    public void CommitToParent()
    {
        if (parent is null)
        {
            throw new InvalidOperationException("the bottom write buffer has no parent to commit to");
        }

        foreach (var (key, value) in pending)
        {
            parent.pending[key] = value;
        }

        pending.Clear();
    }

    /// <summary>
    /// This layer's writes in no particular order, for order-independent consumers only (the
    /// state accumulator's sum is commutative); anything persisted or compared uses <see cref="ToSortedWrites"/>.
    /// </summary>
    public IEnumerable<StateWrite> UnorderedWrites()
    {
        foreach (var (key, value) in pending)
        {
            yield return new StateWrite(key, value);
        }
    }

    /// <summary>This layer's writes in ascending key order (the order they are persisted and hashed in).</summary>
    public List<StateWrite> ToSortedWrites()
    {
        var keys = new StateKey[pending.Count];
        pending.Keys.CopyTo(keys, 0);
        Array.Sort(keys);
        var writes = new List<StateWrite>(keys.Length);
        foreach (var key in keys)
        {
            writes.Add(new StateWrite(key, pending[key]));
        }

        return writes;
    }
}
