using Ledger.Client.Audit;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;
using Ledger.Core.Signing;
using Ledger.Storage;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;

namespace Ledger.Cli.Infrastructure;

/// <summary>Feeds a stopped node's stored blocks to a <see cref="ChainAuditor"/>.</summary>
public static class StoreReader
{
    public static void Audit(string dataDirectory, ConsortiumGenesis genesis, ChainAuditor auditor)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(auditor);
        if (!Directory.Exists(dataDirectory))
        {
            throw new DirectoryNotFoundException($"data directory {dataDirectory} does not exist");
        }

        // Ledger.Storage has no read-only open yet: the node must be stopped (its lock is checked).
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = dataDirectory,
            ChainId = genesis.ChainId,
            SyncWrites = false,
            BlockCacheBytes = 16UL * 1024 * 1024,
        });
        var store = new BlockStore(database, Hashing(genesis));
        var tip = store.LatestHeight;
        for (var height = BlockStore.FirstHeight; height <= tip; height++)
        {
            Ledger.Core.Protocol.Block? block;
            try
            {
                block = store.GetBlock(height);
            }
            catch (StorageCorruptionException exception)
            {
                auditor.RecordFailure(exception.Height ?? height, $"stored block is corrupt: {exception.Message}");
                return;
            }
            catch (Google.Protobuf.InvalidProtocolBufferException exception)
            {
                auditor.RecordFailure(height, $"stored block does not parse: {exception.Message}");
                return;
            }

            if (block is null)
            {
                auditor.RecordFailure(height, "block is missing from the store");
                return;
            }

            if (!auditor.Append(block))
            {
                return;
            }
        }
    }

    public static BlockHashing Hashing(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var hash = CryptoSuites.Get(genesis.Suite).Hash;
        return new BlockHashing(
            new MerkleHasher(hash),
            header => BlockHash.Compute(header, hash),
            transaction => TransactionHashing.ComputeHash(hash, transaction),
            (transaction, result) => LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(hash, transaction), result, hash));
    }
}
