namespace Ledger.Chaos.Options;

/// <summary>
/// How a planted bug (issue #16 point 4) reaches the node processes. The node side (the switches
/// work) reads it; this is the harness's one place that knows the flag's name.
/// </summary>
public static class PlantedBugs
{
    /// <summary>Node configuration key the bug name is passed in.</summary>
    public const string NodeFlag = "--Node:PlantedBug";

    /// <summary>Environment variable that must also be set: a planted bug needs both (a test-only opt-in).</summary>
    public const string EnvironmentVariable = "LEDGER_PLANTED_BUG";

    private const int NameCharsMax = 64;

    public static bool IsWellFormed(string name) =>
        name.Length is > 0 and <= NameCharsMax && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');

    public static string[] NodeArguments(string? bug) => bug is null ? [] : [$"{NodeFlag}={bug}"];
}
