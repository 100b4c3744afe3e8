using Ledger.Consensus;

namespace Ledger.Node.Governance;

/// <summary>The one thing a leader does next to bring Raft's membership to the registry's node set.</summary>
public abstract record MembershipStep
{
    private MembershipStep()
    {
    }

    /// <summary>Propose this single-server change.</summary>
    public sealed record Propose(ConfChange Change) : MembershipStep
    {
        public override string ToString() => $"{Change.Type} {Change.NodeId}";
    }

    /// <summary>The leader itself was removed by governance: hand leadership to <paramref name="Target"/>, which then removes it.</summary>
    public sealed record TransferLeadership(ulong Target) : MembershipStep
    {
        public override string ToString() => $"transfer leadership to {Target}";
    }
}
