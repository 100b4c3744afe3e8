using Ledger.Core.Hashing;

namespace Ledger.Registry.State;

/// <summary>
/// The state root recomputed from every committed entry of a state, not read from its stored
/// accumulator: what a node checks a state image it did not build itself against (a snapshot from a
/// peer must reproduce the certified header's <c>state_root</c>).
/// </summary>
public static class StateRoots
{
    public static byte[] Recompute(IRegistryStateReader state, IHashAlgorithm hash) => StateCommitment.Recompute(state, hash);
}
