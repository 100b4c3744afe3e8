namespace Ledger.Bench;

/// <summary>The <c>raft</c> subcommand: a 3-node in-memory cluster at full speed (see <see cref="RaftBench"/>).</summary>
public sealed class RaftBenchCommand : IBenchCommand
{
    public string Name => "raft";

    public string Usage => "3-node in-memory Raft cluster, 256-byte proposals; ends with raft_proposals_per_s=N allocs_per_proposal=X";

    public int Run(string[] args) => RaftBench.Run(args);
}
