namespace Ledger.Storage.Damage;

/// <summary>Which part of a data directory failed verification: what an operator (and the repair path) needs to know first.</summary>
public enum DamagedPart
{
    /// <summary>RocksDB reported corruption without naming a file we recognise.</summary>
    Unknown,

    /// <summary>A write-ahead log file (<c>NNNNNN.log</c>): a record failed its checksum, or the log ends inside a record.</summary>
    WriteAheadLog,

    /// <summary>The <c>MANIFEST-NNNNNN</c> or <c>CURRENT</c> file: RocksDB no longer knows which files make up the database.</summary>
    Manifest,

    /// <summary>A table file (<c>NNNNNN.sst</c>): a block failed its checksum.</summary>
    TableFile,

    /// <summary>A blob file (<c>NNNNNN.blob</c>) holding large values (blocks, Raft entries).</summary>
    BlobFile,

    /// <summary>The ledger's own identity records (format version, chain id, incarnation) are missing or malformed.</summary>
    Identity,

    /// <summary>A Raft log entry or Raft state record failed its CRC-32C or its index check.</summary>
    RaftRecord,

    /// <summary>A stored block failed verification against its header (tx root) or the hash chain.</summary>
    Block,
}
