namespace Ledger.Registry.Applying;

public enum NodeMembershipChangeKind
{
    AddNode = 1,
    RemoveNode = 2,
}
