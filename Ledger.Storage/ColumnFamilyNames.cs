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

    /// <summary>
    /// Derived from the registry state (the similar-works tables), written by a background indexer,
    /// never in the state root or a state snapshot. Not in <see cref="All"/>: only a read-write open
    /// has it (created when missing, then rebuilt from the state).
    /// </summary>
    public const string SimilarityIndex = "similarity_index";

    public static readonly IReadOnlyList<string> All = [Blocks, TransactionIndex, MerkleNodes, RegistryState, RaftLog, RaftState, Meta];
}
