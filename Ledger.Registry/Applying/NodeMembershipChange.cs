namespace Ledger.Registry.Applying;

/// <summary>
/// A node joined or left the consortium by governance vote; the host proposes the matching Raft
/// configuration change.
/// </summary>
public sealed record NodeMembershipChange(
    ulong Height,
    uint Position,
    NodeMembershipChangeKind Kind,
    string NodeId,
    string Address,
    string Suite,
    byte[] PublicKey,
    byte[] KeyId) : RegistryEffect(Height, Position);
