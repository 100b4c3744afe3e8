namespace Ledger.Registry.Applying;

/// <summary>Something the host must act on after persisting the block (the registry itself does no I/O).</summary>
public abstract record RegistryEffect(ulong Height, uint Position);

public enum NodeMembershipChangeKind
{
    AddNode = 1,
    RemoveNode = 2,
}

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
