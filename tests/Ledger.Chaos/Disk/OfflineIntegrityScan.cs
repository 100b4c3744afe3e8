using Ledger.Core.Crypto;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;

namespace Ledger.Chaos.Disk;

/// <summary>Runs Ledger.Storage's integrity scan over a stopped node's RocksDB directory, in this process.</summary>
public static class OfflineIntegrityScan
{
    /// <summary>Small caches: the scan reads every block once.</summary>
    private const ulong CacheBytes = 8UL * 1024 * 1024;

    /// <summary>Null when the directory opens and the scan finds it intact; otherwise what it found.</summary>
    public static string? FindDamage(string databaseDirectory, string chainId)
    {
        try
        {
            using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
            {
                DataDirectory = databaseDirectory,
                ChainId = chainId,
                BlockCacheBytes = CacheBytes,
                WriteBufferBytes = CacheBytes,
                BackgroundThreads = 1,
            });
            var report = IntegrityScanner.Scan(database, BlockHashing.Canonical(CryptoSuites.P256Sha256.Hash));
            return report.IsIntact ? null : report.ToString();
        }
        catch (StorageException e)
        {
            return $"open: {e.Message}";
        }
        catch (RocksDbSharp.RocksDbException e)
        {
            return $"open: {e.Message}";
        }
    }
}
