using System.Globalization;

namespace Ledger.Chaos.Faults;

/// <summary>
/// How a power loss comes back: which nodes went down, the order they restart in and the pauses between.
/// Every victim loses what it had not made durable (a SIGKILL; under the planted bug <c>skip-raft-fsync</c>
/// that is the Raft writes of the last flush interval), so the nodes that come back first may lack the
/// newest acknowledged entries. If they elect one of themselves before the node that holds those entries
/// returns, only their having kept every acknowledged write keeps the entries. That is why the node that
/// led at the cut (the one most likely to hold the newest entries) often comes back last, once the others
/// have a leader.
/// <para>
/// Victims are named by slot, resolved when the step runs: slot 0 is the leader at the cut (a pick among the
/// members when there is none), slots 1.. the other victims in node-id order.
/// </para>
/// </summary>
public sealed record PowerLossPlan
{
    /// <summary>A power loss brings the old leader back last in this many out of <see cref="LeaderBackLastOutOf"/>; otherwise the order is a uniform shuffle.</summary>
    public const int LeaderBackLastIn = 2;

    public const int LeaderBackLastOutOf = 3;

    /// <summary>A power loss takes the whole cluster down in this many out of <see cref="ScopeAllOutOf"/>; otherwise a majority.</summary>
    public const int ScopeAllIn = 3;

    public const int ScopeAllOutOf = 4;

    /// <summary>The longest pause between one restart and the next.</summary>
    public static readonly TimeSpan RestartGapMax = TimeSpan.FromSeconds(2);

    public required PowerLossScope Scope { get; init; }

    /// <summary>The old leader (slot 0) restarts after the others have elected a leader (bounded wait), then <see cref="Gaps"/>' last pause.</summary>
    public required bool LeaderBackLast { get; init; }

    /// <summary>Restart order: a permutation of the slots 0..N-1 (N: the run's node count).</summary>
    public required IReadOnlyList<int> Order { get; init; }

    /// <summary>Pause before the 2nd, 3rd, ... restart (N-1 of them).</summary>
    public required IReadOnlyList<TimeSpan> Gaps { get; init; }

    /// <summary>Draws a plan for a run of <paramref name="nodeCount"/> nodes from <paramref name="random"/> (the step's own seeded source).</summary>
    public static PowerLossPlan Draw(Random random, int nodeCount)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 1);
        var scope = random.Next(ScopeAllOutOf) < ScopeAllIn ? PowerLossScope.All : PowerLossScope.Majority;
        var leaderLast = random.Next(LeaderBackLastOutOf) < LeaderBackLastIn;
        var order = Enumerable.Range(0, nodeCount).ToArray();
        random.Shuffle(order);
        if (leaderLast)
        {
            order = [.. order.Where(slot => slot != 0), 0];
        }

        var gaps = Enumerable.Range(0, nodeCount - 1)
            .Select(_ => TimeSpan.FromMilliseconds(Math.Round(random.NextDouble() * RestartGapMax.TotalMilliseconds)))
            .ToArray();
        return new PowerLossPlan { Scope = scope, LeaderBackLast = leaderLast, Order = order, Gaps = gaps };
    }

    /// <summary>Every pause between restarts added up (the schedule leaves room for them).</summary>
    public TimeSpan GapsTotal => Gaps.Aggregate(TimeSpan.Zero, (sum, gap) => sum + gap);

    /// <summary>How many of <paramref name="memberCount"/> members go down: all, or a majority.</summary>
    public int VictimCount(int memberCount) => Scope == PowerLossScope.All ? memberCount : (memberCount / 2) + 1;

    /// <summary>
    /// The victims' restart order: <paramref name="victimsBySlot"/> (slot 0 the old leader) reordered by
    /// <see cref="Order"/>; slots the plan does not name (more victims than the run's node count) come last.
    /// </summary>
    public IReadOnlyList<T> RestartOrder<T>(IReadOnlyList<T> victimsBySlot)
    {
        ArgumentNullException.ThrowIfNull(victimsBySlot);
        var named = Order.Where(slot => slot < victimsBySlot.Count);
        var unnamed = Enumerable.Range(0, victimsBySlot.Count).Where(slot => !Order.Contains(slot));
        return [.. named.Concat(unnamed).Select(slot => victimsBySlot[slot])];
    }

    /// <summary>The pause before the restart at <paramref name="position"/> (0-based; none before the first).</summary>
    public TimeSpan GapBefore(int position) =>
        position <= 0 || Gaps.Count == 0 ? TimeSpan.Zero : Gaps[Math.Min(position, Gaps.Count) - 1];

    public override string ToString()
    {
        var scope = Scope == PowerLossScope.All ? "all nodes" : "a majority with the leader";
        var order = string.Join(",", Order.Select(slot => slot == 0 ? "L" : slot.ToString(CultureInfo.InvariantCulture)));
        var gaps = string.Join(",", Gaps.Select(g => g.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) + "s"));
        return $"{scope}; back in order {order} (L: leader at the cut){(LeaderBackLast ? ", L once the others elect" : "")}; gaps {gaps}";
    }
}
