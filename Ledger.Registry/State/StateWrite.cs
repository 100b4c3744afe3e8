namespace Ledger.Registry.State;

/// <summary>One write of a block: <see cref="Value"/> null means delete.</summary>
public readonly record struct StateWrite(StateKey Key, byte[]? Value)
{
    public bool IsDelete => Value is null;
}
