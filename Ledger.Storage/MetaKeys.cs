namespace Ledger.Storage;

/// <summary>Keys of the <c>meta</c> column family.</summary>
internal static class MetaKeys
{
    public static ReadOnlySpan<byte> FormatVersion => "format_version"u8;

    public static ReadOnlySpan<byte> ChainId => "chain_id"u8;

    /// <summary>Hash of the genesis file the directory was created under (see <see cref="LedgerDatabaseOptions.GenesisHash"/>).</summary>
    public static ReadOnlySpan<byte> GenesisHash => "genesis_hash"u8;

    /// <summary>Last Raft index whose effects are in the database (written in the same batch as those effects).</summary>
    public static ReadOnlySpan<byte> AppliedRaftIndex => "applied_raft_index"u8;

    /// <summary>Height of the last stored block (absent while there is none).</summary>
    public static ReadOnlySpan<byte> LatestHeight => "latest_height"u8;

    /// <summary>Prefix of the committed leaf count of a Merkle tree; the tree id byte follows.</summary>
    public static ReadOnlySpan<byte> MerkleTreeSizePrefix => "merkle_size/"u8;
}
