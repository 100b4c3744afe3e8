namespace Ledger.Consensus;

public enum ConfChangeType : byte
{
    /// <summary>Add a voter, or promote an existing learner to voter.</summary>
    AddNode = 0,

    /// <summary>Remove a voter or learner.</summary>
    RemoveNode = 1,

    /// <summary>Add a non-voting learner (or demote a voter to learner).</summary>
    AddLearner = 2,
}
