using Ledger.Node.TestFaults;

namespace Ledger.Chaos.Options;

/// <summary>
/// How a planted bug (issue #16 point 4) reaches the node processes: the node's <c>Node:TestBugs</c>
/// option plus the environment variable that must accompany it (a node refuses test bugs without it).
/// </summary>
public static class PlantedBugs
{
    public static IReadOnlyCollection<string> Known => [.. TestBugs.Names.Keys];

    public static bool IsKnown(string name) => TestBugs.Names.ContainsKey(name);

    public static string[] NodeArguments(string? bug) => bug is null ? [] : [$"--{TestBugs.OptionName}={bug}"];

    public static IReadOnlyDictionary<string, string> NodeEnvironment(string? bug) =>
        bug is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [TestBugs.EnableVariable] = "1" };
}
