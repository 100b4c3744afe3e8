using System.Buffers.Binary;
using System.Text;
using Ledger.Storage.Damage;
using Ledger.Storage.Errors;
using RocksDbSharp;

namespace Ledger.Storage;

public sealed partial class LedgerDatabase
{
    /// <summary>Whether this instance was opened by <see cref="OpenReadOnly"/> (RocksDB then refuses every write).</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>
    /// Opens an existing data directory for reading only, for tools that audit or inspect a store: it
    /// creates, stamps, upgrades and bumps nothing, takes no lock (so it also opens while a node runs:
    /// it then reads the state as of the open, the write-ahead log replayed in memory only) and writes
    /// no file, RocksDB's info log included (it is switched off). Throws
    /// <see cref="DirectoryNotFoundException"/> when the directory does not exist,
    /// <see cref="NotALedgerDatabaseException"/> when it holds no RocksDB database or one without the
    /// ledger's identity records, <see cref="IncompatibleFormatVersionException"/>,
    /// <see cref="ChainIdMismatchException"/> and <see cref="DataDirectoryDamagedException"/> as
    /// <see cref="Open"/> does. Only <see cref="LedgerDatabaseOptions.DataDirectory"/>,
    /// <see cref="LedgerDatabaseOptions.ChainId"/>, <see cref="LedgerDatabaseOptions.BlockCacheBytes"/> and
    /// <see cref="LedgerDatabaseOptions.OpenFilesMax"/> are used.
    /// </summary>
    public static LedgerDatabase OpenReadOnly(LedgerDatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var path = Path.GetFullPath(options.DataDirectory);
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"data directory '{path}' does not exist");
        }

        if (CurrentManifest(path) is null)
        {
            throw new NotALedgerDatabaseException(path, "it has no RocksDB CURRENT file");
        }

        var blockCache = Cache.CreateLru(options.BlockCacheBytes);
        var dbOptions = new DbOptions()
            .SetCreateIfMissing(false)
            .SetCreateMissingColumnFamilies(false)
            .SetParanoidChecks(true)
            .SetMaxOpenFiles(options.OpenFilesMax)
            // No statistics dump thread, no info log: a read-only open must leave the directory as it found it.
            .SetStatsDumpPeriodSec(0);
        Native.Instance.rocksdb_options_set_info_log_level(dbOptions.Handle, (int)InfoLogLevel.Header);

        // Reads need no write-side settings: each table and blob file names its own compression and
        // format, and blob references resolve whatever enable_blob_files says.
        var columnFamilies = new ColumnFamilies(ReadOnlyFamilyOptions(blockCache));
        foreach (var name in ColumnFamilyNames.All)
        {
            columnFamilies.Add(name, ReadOnlyFamilyOptions(blockCache));
        }

        RocksDb rocks;
        try
        {
            rocks = RocksDb.OpenReadOnly(dbOptions, path, columnFamilies, errIfLogFileExists: false);
        }
        catch (RocksDbException e) when (IsCorruption(e))
        {
            throw OpenDamage(path, e);
        }
        catch (RocksDbException e) when (e.Message.Contains("Column family not found", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("Invalid argument", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotALedgerDatabaseException(path, $"RocksDB refused to open it as one ({e.Message})");
        }

        var database = new LedgerDatabase(options, path, rocks, dbOptions, blockCache) { IsReadOnly = true };
        try
        {
            database.CheckIdentityReadOnly();
            database.ThrowIfDamageRecorded();
        }
        catch
        {
            database.Dispose();
            throw;
        }

        return database;
    }

    private static ColumnFamilyOptions ReadOnlyFamilyOptions(Cache blockCache) => new ColumnFamilyOptions()
        .SetBlockBasedTableFactory(new BlockBasedTableOptions().SetBlockCache(blockCache).SetFormatVersion(5));

    /// <summary>As <see cref="CheckOrStampIdentity"/>, without stamping or migrating anything: a format from <see cref="OldestMigratableFormatVersion"/> on is read (a backup or a migration reads a previous-format directory); <see cref="StoredFormatVersion"/> says which.</summary>
    private void CheckIdentityReadOnly()
    {
        var storedVersion = Get(Meta, MetaKeys.FormatVersion);
        var storedChainId = Get(Meta, MetaKeys.ChainId);
        if (storedVersion is null && storedChainId is null)
        {
            throw new NotALedgerDatabaseException(DataDirectory, "it is a RocksDB database without the ledger's identity records (format version, chain id)");
        }

        var version = CheckStoredIdentity(storedVersion, storedChainId);

        StoredFormatVersion = version;
    }
}
