namespace Ledger.Registry.State;

/// <summary>One entry returned by a scan.</summary>
public readonly record struct StateEntry(StateKey Key, byte[] Value);
