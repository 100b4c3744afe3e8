namespace Ledger.Chaos.Faults;

/// <summary>Command-line names of the fault kinds and the default mix.</summary>
public static class FaultKinds
{
    public static readonly IReadOnlyDictionary<string, FaultKind> ByName = new Dictionary<string, FaultKind>(StringComparer.Ordinal)
    {
        ["kill-leader"] = FaultKind.KillLeader,
        ["kill-random"] = FaultKind.KillRandom,
        ["pause"] = FaultKind.Pause,
        ["power-loss"] = FaultKind.PowerLoss,
        ["partition"] = FaultKind.Partition,
        ["link"] = FaultKind.Link,
        ["clock"] = FaultKind.Clock,
        ["disk"] = FaultKind.Disk,
        ["membership"] = FaultKind.Membership,
    };

    /// <summary>Every kind: the default run kills, pauses, cuts power, partitions, slows links, skews clocks, damages disks and changes membership.</summary>
    public static readonly IReadOnlyList<FaultKind> Default =
        [FaultKind.KillLeader, FaultKind.KillRandom, FaultKind.Pause, FaultKind.PowerLoss, FaultKind.Partition, FaultKind.Link, FaultKind.Clock, FaultKind.Disk, FaultKind.Membership];

    /// <summary>
    /// A power loss is drawn this many times as often as any other kind. Only a power loss of a majority can lose
    /// what a skipped fsync left undurable, and one loses something only when the node that comes back last holds
    /// entries the others lack, about one power loss in five: at weight 1 among nine kinds (one every 45 s on
    /// average at the default 5 s interval) that took longer than a short run; at 2, one every ~25 s.
    /// </summary>
    public const int PowerLossDrawWeight = 2;

    /// <summary>The kinds a schedule draws from, each repeated by its weight; exactly <paramref name="kinds"/> when no weighted kind is in it.</summary>
    public static IReadOnlyList<FaultKind> DrawPool(IReadOnlyList<FaultKind> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return [.. kinds.SelectMany(kind => Enumerable.Repeat(kind, kind == FaultKind.PowerLoss ? PowerLossDrawWeight : 1))];
    }

    public static string NameOf(FaultKind kind) => ByName.First(pair => pair.Value == kind).Key;

    /// <summary>Parses a comma-separated list ("kill-leader,pause"); "all" means every kind, "none" no fault.</summary>
    public static bool TryParse(string text, out IReadOnlyList<FaultKind> kinds, out string error)
    {
        kinds = [];
        error = "";
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names is ["all"])
        {
            kinds = [.. ByName.Values];
            return true;
        }

        if (names is ["none"])
        {
            return true;
        }

        var parsed = new List<FaultKind>();
        foreach (var name in names)
        {
            if (!ByName.TryGetValue(name, out var kind))
            {
                error = $"unknown fault kind '{name}' (known: {string.Join(", ", ByName.Keys)}, all, none)";
                return false;
            }

            if (!parsed.Contains(kind))
            {
                parsed.Add(kind);
            }
        }

        if (parsed.Count == 0)
        {
            error = "--faults needs at least one kind (or 'none')";
            return false;
        }

        kinds = parsed;
        return true;
    }
}
