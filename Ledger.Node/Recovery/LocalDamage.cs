using Ledger.Storage.Damage;
using Ledger.Storage.Errors;
using Ledger.Storage.Raft;

namespace Ledger.Node.Recovery;

/// <summary>
/// Damage to this node's own data directory, whichever layer found it: RocksDB at open
/// (<see cref="DataDirectoryDamagedException"/>), a Raft record's CRC
/// (<see cref="RaftLogCorruptionException"/>) or a stored block's check (<see cref="StorageCorruptionException"/>).
/// </summary>
/// <param name="Part">What was damaged.</param>
/// <param name="File">The damaged file when known, else the data directory.</param>
/// <param name="Description">The finding, without advice.</param>
public sealed record LocalDamage(DamagedPart Part, string File, string Description)
{
    /// <summary>The damage <paramref name="error"/> reports in <paramref name="databaseDirectory"/>, or null when it is no local damage.</summary>
    public static LocalDamage? From(Exception error, string databaseDirectory)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            DataDirectoryDamagedException d => new LocalDamage(d.Part, d.FileName is null ? d.DataDirectory : Path.Combine(d.DataDirectory, d.FileName), d.Message),
            RaftLogCorruptionException r => new LocalDamage(DamagedPart.RaftRecord, r.DataDirectory, $"raft {r.Record} in column family '{r.ColumnFamily}' failed verification ({r.Problem})"),
            StorageCorruptionException s => new LocalDamage(s.Height is null ? DamagedPart.Unknown : DamagedPart.Block, databaseDirectory, s.Message),
            _ => null,
        };
    }
}
