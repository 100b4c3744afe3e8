using System.Globalization;

namespace Ledger.Fuzz;

/// <summary>
/// <c>peer [--cases N] [--seed S] [--recovery-claims]</c>: sends N mutated Raft frames (with
/// <c>--recovery-claims</c>, only forged recovery claims: see <see cref="PeerFuzzMode.RecoveryClaims"/>) and snapshot chunks from an admitted
/// peer's identity to a live 3-node in-process cluster (see <see cref="PeerFrameFuzzer"/>), then checks
/// that no node faulted and that the cluster still commits. Ends with one line
/// <c>peer_frames=N node_faults=0 cluster_commits_after=N</c>; exit code 1 on a node fault.
/// </summary>
public static class PeerFuzzCommand
{
    public const int DefaultCases = 10_000;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cases = DefaultCases;
        var seed = 1;
        var mode = PeerFuzzMode.Frames;
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 < args.Length && args[i] == "--cases" && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsedCases) && parsedCases > 0)
            {
                cases = parsedCases;
                i++;
            }
            else if (i + 1 < args.Length && args[i] == "--seed" && int.TryParse(args[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsedSeed))
            {
                seed = parsedSeed;
                i++;
            }
            else if (args[i] == "--recovery-claims")
            {
                mode = PeerFuzzMode.RecoveryClaims;
            }
            else
            {
                Console.Error.WriteLine(FuzzCommandLine.Usage);
                return 2;
            }
        }

        var result = PeerFrameFuzzer.RunAsync(cases, seed, Console.Error, mode).GetAwaiter().GetResult();
        Console.WriteLine(result.ClosingLine);
        return result.NodeFaults == 0 && result.ClusterCommitsAfter > 0 ? 0 : 1;
    }
}
