namespace Ledger.Registry.Applying;

/// <summary>
/// The result of applying one block: one outcome per transaction (same order), the state writes to
/// persist atomically with the block (ascending key order), the effects for the host, and the
/// state root after the block.
/// </summary>
public sealed record BlockApplication(
    IReadOnlyList<TransactionOutcome> Outcomes,
    IReadOnlyList<State.StateWrite> Writes,
    IReadOnlyList<RegistryEffect> Effects,
    byte[] StateRoot);
