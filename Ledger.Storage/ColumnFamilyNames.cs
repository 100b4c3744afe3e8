namespace Ledger.Storage;

/// <summary>The RocksDB column families of a ledger data directory.</summary>
public static class ColumnFamilyNames
{
    public const string Blocks = "blocks";
    public const string TransactionIndex = "tx_index";
    public const string MerkleNodes = "merkle_nodes";
    public const string RegistryState = "registry_state";
    public const string RaftLog = "raft_log";
    public const string RaftState = "raft_state";
    public const string Meta = "meta";

    public static readonly IReadOnlyList<string> All = [Blocks, TransactionIndex, MerkleNodes, RegistryState, RaftLog, RaftState, Meta];
}
