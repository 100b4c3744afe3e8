using Ledger.Storage.Errors;

namespace Ledger.Storage.Raft;

/// <summary>
/// This node's own Raft log or Raft state on disk is damaged: a record failed its checksum, carries
/// another index than its key, is missing or unreadable. Local disk corruption, never the content of
/// a committed entry: an intact entry whose transactions do not decode is the apply path's business
/// and is recorded there. Nothing in this log may be replayed, served or voted on: the node stops,
/// and (until it can repair itself from peers) the operator resyncs it as the message says.
/// </summary>
public sealed class RaftLogCorruptionException : StorageException
{
    public RaftLogCorruptionException(string dataDirectory, string columnFamily, string record, ulong? index, string problem, Exception? innerException = null)
        : base(Describe(dataDirectory, columnFamily, record, problem), innerException)
    {
        DataDirectory = dataDirectory;
        ColumnFamily = columnFamily;
        Record = record;
        Index = index;
        Problem = problem;
    }

    /// <summary>What to do about it, said once so every message (start-up, status, log) gives the same advice.</summary>
    public const string Recovery = LedgerDatabase.CorruptDirectoryRecovery;

    /// <summary>The RocksDB directory holding the damaged record.</summary>
    public string DataDirectory { get; }

    /// <summary>The column family of the damaged record (<c>raft_log</c> or <c>raft_state</c>).</summary>
    public string ColumnFamily { get; }

    /// <summary>Which record: "entry 17", "hard state", ...</summary>
    public string Record { get; }

    /// <summary>The Raft index of the first damaged entry when the damage is in an entry; null for state records.</summary>
    public ulong? Index { get; }

    /// <summary>What failed, without the advice.</summary>
    public string Problem { get; }

    private static string Describe(string dataDirectory, string columnFamily, string record, string problem) =>
        $"local disk corruption: raft {record} in column family '{columnFamily}' of '{dataDirectory}' failed verification ({problem}); " +
        $"this node's Raft log cannot be trusted and it will not serve or vote: {Recovery}";
}
