namespace Ledger.Registry.Applying;

/// <summary>
/// The state or the caller broke an invariant the registry relies on (blocks out of order, state
/// not initialized, a record that cannot be decoded). Not a transaction rejection: the host must
/// stop, because continuing would diverge from the other replicas.
/// </summary>
public sealed class RegistryInvariantException(string message) : Exception(message);
