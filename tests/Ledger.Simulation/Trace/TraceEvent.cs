using Ledger.Consensus;

namespace Ledger.Simulation;

/// <summary>
/// One thing that happened. Kept as plain fields (formatted only when printed) so tracing every
/// message costs no string work on the hot path.
/// </summary>
public readonly record struct TraceEvent(long Tick, TraceKind Kind, ulong Node, ulong A, ulong B, ulong C, object? Detail)
{
    public override string ToString()
    {
        var prefix = $"t={Tick,5} n{Node} {Kind,-10}";
        return Kind switch
        {
            TraceKind.Deliver or TraceKind.Drop or TraceKind.Duplicate when Detail is Message { Snapshot: { } snapshot } =>
                $"{prefix} {Detail} snapshot={snapshot.Metadata.Index}/{snapshot.Metadata.Term} {snapshot.Metadata.ConfState}",
            TraceKind.Deliver or TraceKind.Drop or TraceKind.Duplicate => $"{prefix} {Detail}",
            TraceKind.Ready => $"{prefix} entries={A} last={B} committed={C} {Detail}",
            TraceKind.SlowDisk => $"{prefix} persistence completes at t={A}",
            TraceKind.Apply => $"{prefix} index={A} term={B} {Detail}",
            TraceKind.Role => $"{prefix} {Detail} term={A} leader={B}",
            TraceKind.Propose => $"{prefix} proposals={A} first={B}",
            TraceKind.Snapshot => $"{prefix} index={A} compacted_to={B}{(Detail is null ? string.Empty : $" {Detail}")}",
            TraceKind.Crash => $"{prefix} durable_last={A} durable_commit={B} {Detail}",
            TraceKind.Restart => $"{prefix} term={A} commit={B} applied={C}",
            TraceKind.ClockJump => $"{prefix} ticks={A}",
            TraceKind.Transfer => $"{prefix} to={A}",
            _ => Detail is null ? prefix : $"{prefix} {Detail}",
        };
    }

    /// <summary>Folds this event into a running 64-bit hash (FNV-1a over the fields).</summary>
    internal ulong Fold(ulong hash)
    {
        hash = Mix(hash, (ulong)Tick);
        hash = Mix(hash, (ulong)Kind);
        hash = Mix(hash, Node);
        hash = Mix(hash, A);
        hash = Mix(hash, B);
        hash = Mix(hash, C);
        if (Detail is Message m)
        {
            hash = Mix(hash, ((ulong)m.Type << 48) ^ (m.From << 32) ^ (m.To << 16) ^ (m.Reject ? 1UL : 0UL));
            hash = Mix(hash, m.Term);
            hash = Mix(hash, m.Index);
            hash = Mix(hash, m.LogTerm);
            hash = Mix(hash, m.Commit);
            hash = Mix(hash, (ulong)m.Entries.Length);
        }
        else if (Detail is string text)
        {
            foreach (var ch in text)
            {
                hash = Mix(hash, ch);
            }
        }

        return hash;
    }

    internal static ulong Mix(ulong hash, ulong value)
    {
        const ulong prime = 1099511628211UL;
        for (var i = 0; i < 8; i++)
        {
            hash ^= value & 0xFF;
            hash *= prime;
            value >>= 8;
        }

        return hash;
    }
}
