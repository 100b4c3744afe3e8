using Ledger.Consensus;
using Ledger.Storage.Damage;

namespace Ledger.Node.Recovery;

/// <summary>
/// Start-up over a possibly damaged data directory. When opening finds local damage and the node has
/// peers, the whole database directory is moved aside (<see cref="DamagedDirectoryQuarantine"/>) and the
/// node starts on an empty one, recovering in Raft with <see cref="RecoveryReason.HardStateLost"/> (its
/// term and vote went with the directory) until the leader has brought it back (snapshot, then log),
/// the path a wiped node already takes. Keeping the undamaged prefix was not chosen: RocksDB cannot say
/// which records a damaged WAL or MANIFEST still holds correctly, and a partial log is exactly what a
/// node must not trust. Without peers the node refuses to start (<see cref="UnrepairableDamageException"/>).
/// </summary>
public static class DamagedStart
{
    /// <summary>
    /// Builds the node with <paramref name="create"/>; on local damage, repairs as above and builds it again.
    /// <paramref name="databaseDirectory"/> is the RocksDB directory; <paramref name="stagingDirectory"/>
    /// (snapshot staging, which belongs to that database) goes along with it into the damaged copy.
    /// </summary>
    public static LedgerNode Create(string databaseDirectory, string stagingDirectory, bool hasPeers, Func<NodeStart, LedgerNode> create, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(timeProvider);
        LocalDamage damage;
        try
        {
            return create(NodeStart.Normal);
        }
        catch (Exception e) when (LocalDamage.From(e, databaseDirectory) is { } found)
        {
            damage = found;
        }

        if (!hasPeers)
        {
            throw new UnrepairableDamageException(damage, databaseDirectory);
        }

        var copy = DamagedDirectoryQuarantine.MoveAside(databaseDirectory, timeProvider.GetUtcNow());
        if (Directory.Exists(stagingDirectory))
        {
            // A staged snapshot belongs to the damaged database (an interrupted install would resume into the new one).
            Directory.Move(stagingDirectory, Path.Combine(copy, Path.GetFileName(stagingDirectory.TrimEnd(Path.DirectorySeparatorChar))));
        }

        RecoveryLog.Quarantined(logger, damage.Part.ToString(), damage.File, damage.Description, copy);
        var note = $"resyncing from peers after local disk damage in {DamagedParts.Describe(damage.Part)} ({damage.File}); the damaged copy is kept at {copy}";
        return create(new NodeStart(RecoveryReason.HardStateLost, note));
    }
}
