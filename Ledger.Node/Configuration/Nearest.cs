namespace Ledger.Node.Configuration;

/// <summary>The known name closest to a mistyped one (edit distance), for "did you mean" in configuration errors.</summary>
internal static class Nearest
{
    /// <summary>Names compared at most this long (longer ones are not suggested): the distance table stays small.</summary>
    private const int NameCharactersMax = 128;

    /// <summary>The candidate within a third of the name's length in edits (at least 2), or null.</summary>
    public static string? Find(string name, IEnumerable<string> candidates)
    {
        if (name.Length > NameCharactersMax)
        {
            return null;
        }

        string? best = null;
        var bestDistance = Math.Max(2, name.Length / 3) + 1;
        foreach (var candidate in candidates)
        {
            if (candidate.Length > NameCharactersMax)
            {
                continue;
            }

            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
