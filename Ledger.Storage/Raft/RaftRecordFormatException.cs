namespace Ledger.Storage.Raft;

/// <summary>
/// A stored Raft record is not what this node wrote (checksum, length, index or type). Internal:
/// <see cref="RocksDbRaftLogStorage"/> turns it into a <see cref="RaftLogCorruptionException"/> that names where.
/// </summary>
internal sealed class RaftRecordFormatException(string problem) : Exception(problem);
