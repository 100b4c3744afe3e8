namespace Ledger.Consensus;

/// <summary>
/// What peers claim this node acknowledged beyond its log: one claim per source (a leader's gossip, a candidate's
/// vote request, a voter's refusal; source 0 = the claim persisted by the last run). A peer's word cannot be checked,
/// and a hostile peer may lie, so a claim binds only while <em>held</em>: it holds for a fixed number of ticks after
/// its source last asserted it, then lapses into a <em>doubt</em> that lasts until the log reaches it or a leader clips
/// it. Bounded by <see cref="SourcesMax"/>; a source's new claim replaces its old one, so no sender can erase
/// another's. Volatile: the node persists only what leaders claimed (see <c>RaftNode</c>).
/// </summary>
internal sealed class PeerClaims
{
    /// <summary>Sources at most: every voter (<see cref="AcknowledgedWatermarks.NodesMax"/>) plus the persisted claim.</summary>
    public const int SourcesMax = AcknowledgedWatermarks.NodesMax + 1;

    /// <summary>The source of a claim restored from the hard state.</summary>
    public const ulong PersistedSource = 0;

    private readonly List<Claim> claims = [];

    public bool IsEmpty => claims.Count == 0;

    /// <summary>
    /// Records <paramref name="source"/>'s claim, held for <paramref name="holdTicks"/> ticks. Returns false (nothing
    /// recorded) when <see cref="SourcesMax"/> other sources already hold claims.
    /// </summary>
    public bool Assert(ulong source, LogPosition target, int holdTicks, bool fromLeader)
    {
        if (target.IsNone || holdTicks <= 0)
        {
            return false;
        }

        var index = claims.FindIndex(c => c.Source == source);
        var claim = new Claim(source, target, holdTicks, fromLeader);
        if (index >= 0)
        {
            claims[index] = claim;
            return true;
        }

        if (claims.Count >= SourcesMax)
        {
            return false;
        }

        claims.Add(claim);
        return true;
    }

    /// <summary>The claim <paramref name="source"/> holds now (held or lapsed), or none.</summary>
    public LogPosition For(ulong source)
    {
        foreach (var claim in claims)
        {
            if (claim.Source == source)
            {
                return claim.Target;
            }
        }

        return LogPosition.None;
    }

    /// <summary>One tick passed: held claims come closer to lapsing.</summary>
    public void Tick()
    {
        for (var i = 0; i < claims.Count; i++)
        {
            if (claims[i].HoldTicksLeft > 0)
            {
                claims[i] = claims[i] with { HoldTicksLeft = claims[i].HoldTicksLeft - 1 };
            }
        }
    }

    /// <summary>The most up-to-date claim still held (none when every claim lapsed).</summary>
    public LogPosition Held => Highest(static c => c.HoldTicksLeft > 0);

    /// <summary>The most up-to-date claim still held that a leader made (the one persisted).</summary>
    public LogPosition HeldFromLeader => Highest(static c => c.HoldTicksLeft > 0 && c.FromLeader);

    /// <summary>The most up-to-date claim, held or lapsed.</summary>
    public LogPosition Doubted => Highest(static _ => true);

    /// <summary>A legitimate leader's log ends at <paramref name="bound"/>: no claim beyond it can name a committed entry.</summary>
    public void ClipTo(LogPosition bound)
    {
        for (var i = 0; i < claims.Count; i++)
        {
            if (claims[i].Target > bound)
            {
                claims[i] = claims[i] with { Target = bound };
            }
        }

        claims.RemoveAll(static c => c.Target.IsNone);
    }

    /// <summary>The log reached <paramref name="reached"/>: claims at or below it are satisfied.</summary>
    public void ForgetReached(LogPosition reached) => claims.RemoveAll(c => c.Target <= reached);

    private LogPosition Highest(Func<Claim, bool> include)
    {
        var highest = LogPosition.None;
        foreach (var claim in claims)
        {
            if (include(claim))
            {
                highest = LogPosition.Max(highest, claim.Target);
            }
        }

        return highest;
    }

    private readonly record struct Claim(ulong Source, LogPosition Target, int HoldTicksLeft, bool FromLeader);
}
