namespace Ledger.Chaos.Disk;

/// <summary>The kinds of file a RocksDB data directory holds that a disk fault may hit.</summary>
public enum RocksDbFileKind
{
    /// <summary>Sorted string table (<c>*.sst</c>): keys and small values, flushed and compacted.</summary>
    Sst,

    /// <summary>Blob file (<c>*.blob</c>): large values separated from the SSTs (blocks, Raft entries).</summary>
    Blob,

    /// <summary>Write-ahead log (<c>000123.log</c>, numbered): writes not yet flushed to an SST.</summary>
    Wal,

    /// <summary><c>MANIFEST-000123</c>: the log of which SST and blob files make up each column family.</summary>
    Manifest,

    /// <summary><c>CURRENT</c>: names the live MANIFEST.</summary>
    Current,

    /// <summary><c>OPTIONS-000123</c>: the options the database was last opened with.</summary>
    Options,
}
