using System.Globalization;

namespace Ledger.Fuzz;

/// <summary>
/// The arguments every case-counting fuzzer takes, <c>--cases N</c> (N ≥ 0) and <c>--seed S</c>, plus the
/// command's own: one loop for apply, batch-input and records.
/// </summary>
public static class FuzzCaseArguments
{
    /// <summary>A command's own option: its name, and whether it takes a count (N ≥ 0) after it or is a switch.</summary>
    public readonly record struct Option(string Name, bool TakesCount);

    /// <summary>
    /// Reads <paramref name="args"/> into <paramref name="cases"/>, <paramref name="seed"/> and <paramref name="given"/>
    /// (each own option seen: its count, or 1 for a switch). On anything else writes the usage error for
    /// <paramref name="command"/> and returns false.
    /// </summary>
    public static bool TryParse(string command, string[] args, TextWriter error, ref long cases, ref long seed, IReadOnlyList<Option> own, Dictionary<string, long> given)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(given);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            var parsed = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number);
            if (args[i] == "--cases" && parsed && number >= 0)
            {
                cases = number;
                i++;
                continue;
            }

            if (args[i] == "--seed" && parsed)
            {
                seed = number;
                i++;
                continue;
            }

            var option = Find(own, args[i]);
            if (option is { TakesCount: false })
            {
                given[option.Value.Name] = 1;
                continue;
            }

            if (option is { TakesCount: true } && parsed && number >= 0)
            {
                given[option.Value.Name] = number;
                i++;
                continue;
            }

            error.WriteLine($"{command}: unknown or invalid argument '{args[i]}'");
            error.WriteLine(FuzzCommandLine.Usage);
            return false;
        }

        return true;
    }

    private static Option? Find(IReadOnlyList<Option> own, string name)
    {
        foreach (var option in own)
        {
            if (option.Name == name)
            {
                return option;
            }
        }

        return null;
    }
}
