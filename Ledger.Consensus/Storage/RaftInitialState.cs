namespace Ledger.Consensus;

/// <summary>What a restarting node reads first: the persisted hard state and the latest membership.</summary>
public readonly record struct RaftInitialState(HardState HardState, ConfState ConfState);
