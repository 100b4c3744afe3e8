using System.Reflection;
using Ledger.Bench;

// Each subcommand is one IBenchCommand in its own file, found here by reflection, so a new
// benchmark is a new file. Each ends with the closing key=value line its issue defines.
var commands = typeof(IBenchCommand).Assembly.GetTypes()
    .Where(type => typeof(IBenchCommand).IsAssignableFrom(type) && type is { IsClass: true, IsAbstract: false })
    .Select(type => (IBenchCommand)Activator.CreateInstance(type)!)
    .ToDictionary(command => command.Name, StringComparer.Ordinal);

if (args.Length == 0 || !commands.TryGetValue(args[0], out var selected))
{
    Console.Error.WriteLine($"usage: Ledger.Bench <{string.Join('|', commands.Keys.Order(StringComparer.Ordinal))}> [options]");
    foreach (var command in commands.Values.OrderBy(command => command.Name, StringComparer.Ordinal))
    {
        Console.Error.WriteLine($"  {command.Name,-8} {command.Usage}");
    }

    return 2;
}

try
{
    return selected.Run(args[1..]);
}
catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or FormatException)
{
    // Bad flags or unreadable files: one line, not a stack trace.
    Console.Error.WriteLine($"Ledger.Bench {selected.Name}: {e.Message}");
    Console.Error.WriteLine($"usage: Ledger.Bench {selected.Name} {selected.Usage}");
    return 2;
}

namespace Ledger.Bench
{
    /// <summary>One benchmark subcommand.</summary>
    public interface IBenchCommand
    {
        string Name { get; }

        string Usage { get; }

        /// <summary>Runs the benchmark; returns the process exit code.</summary>
        int Run(string[] args);
    }

    internal static class BenchArguments
    {
        /// <summary>The value after <paramref name="flag"/>, parsed as a positive integer, or <paramref name="fallback"/>.</summary>
        public static long PositiveLong(string[] args, string flag, long fallback)
        {
            var at = Array.IndexOf(args, flag);
            if (at < 0)
            {
                return fallback;
            }

            if (at + 1 >= args.Length || !long.TryParse(args[at + 1], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                throw new ArgumentException($"{flag} needs a positive integer");
            }

            return value;
        }
    }
}
