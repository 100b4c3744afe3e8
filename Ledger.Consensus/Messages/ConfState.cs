namespace Ledger.Consensus;

/// <summary>
/// The cluster membership at some log index: voters (count for elections and commitment) and
/// learners (receive the log, never counted). Ids are sorted ascending and never 0.
/// </summary>
public sealed class ConfState
{
    public ConfState(ulong[] voters, ulong[] learners)
    {
        ArgumentNullException.ThrowIfNull(voters);
        ArgumentNullException.ThrowIfNull(learners);
        Voters = SortedCopy(voters);
        Learners = SortedCopy(learners);
        foreach (var learner in Learners)
        {
            if (Array.BinarySearch(Voters, learner) >= 0)
            {
                throw new ArgumentException($"Node {learner} is both a voter and a learner.", nameof(learners));
            }
        }
    }

    public static ConfState Empty { get; } = new([], []);

    public ulong[] Voters { get; }

    public ulong[] Learners { get; }

    public bool IsVoter(ulong id) => Array.BinarySearch(Voters, id) >= 0;

    public bool IsLearner(ulong id) => Array.BinarySearch(Learners, id) >= 0;

    public bool Contains(ulong id) => IsVoter(id) || IsLearner(id);

    public override string ToString() => $"voters=[{string.Join(',', Voters)}] learners=[{string.Join(',', Learners)}]";

    private static ulong[] SortedCopy(ulong[] ids)
    {
        var copy = (ulong[])ids.Clone();
        Array.Sort(copy);
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] == 0)
            {
                throw new ArgumentException("Node id 0 is reserved for 'none'.", nameof(ids));
            }

            if (i > 0 && copy[i] == copy[i - 1])
            {
                throw new ArgumentException($"Node id {copy[i]} appears twice.", nameof(ids));
            }
        }

        return copy;
    }
}
