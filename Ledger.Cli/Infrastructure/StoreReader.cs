using System.Threading.Channels;
using Ledger.Client.Audit;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Storage;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Feeds a node's stored blocks and their stored attestations, read from its database opened read-only (the node may be running), to a
/// <see cref="ChainAuditor"/>. A reader task decodes the next group of blocks from RocksDB while
/// the auditor verifies the current one, so reads and decoding overlap signature checks.
/// </summary>
public static class StoreReader
{
    /// <summary>Transactions per group handed to the auditor (one parallel pass each).</summary>
    public const int GroupTransactionsMax = Ledger.Client.Audit.EndpointAudit.GroupTransactionsMax;

    /// <summary>Groups read ahead of the auditor.</summary>
    public const int GroupsAheadMax = 2;

    /// <summary>The RocksDB directory itself or the node's data directory holding it (as the node prints it).</summary>
    public const string DatabaseSubdirectory = "db";

    /// <summary>
    /// The database directory <paramref name="given"/> names: the node's data directory as the node
    /// prints it (the database is its <c>db/</c> subdirectory) or that <c>db/</c> directory itself.
    /// Refuses, naming the path to give, a directory that holds neither: a read-only tool never creates
    /// a database where none is.
    /// </summary>
    public static string ResolveDatabaseDirectory(string given)
    {
        ArgumentNullException.ThrowIfNull(given);
        var full = Path.GetFullPath(given);
        if (!Directory.Exists(full))
        {
            throw CliException.NotFound($"data directory {given} does not exist");
        }

        if (File.Exists(Path.Combine(full, "CURRENT")))
        {
            return full;
        }

        var nested = Path.Combine(full, DatabaseSubdirectory);
        if (File.Exists(Path.Combine(nested, "CURRENT")))
        {
            return nested;
        }

        throw CliException.NotFound(Directory.Exists(nested)
            ? $"{given} holds no ledger: its {DatabaseSubdirectory}/ subdirectory has no database (no RocksDB CURRENT file); give the node's data directory (the one the node prints as 'data') or its {DatabaseSubdirectory}/ subdirectory"
            : $"{given} holds no ledger (no RocksDB CURRENT file in it and no {DatabaseSubdirectory}/ subdirectory); give the node's data directory (the one the node prints as 'data') or its {DatabaseSubdirectory}/ subdirectory");
    }

    /// <summary>The stored chain's height (opens the database read-only and closes it).</summary>
    public static ulong TipHeight(string databaseDirectory, ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        using var database = Open(databaseDirectory, genesis);
        return new BlockStore(database, Hashing(genesis)).LatestHeight;
    }

    /// <param name="databaseDirectory">The RocksDB directory (<see cref="ResolveDatabaseDirectory"/>); opened read-only.</param>
    public static StoreAuditSummary Audit(string databaseDirectory, ConsortiumGenesis genesis, ChainAuditor auditor, Action<ulong>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(auditor);
        using var database = Open(databaseDirectory, genesis);
        var store = new BlockStore(database, Hashing(genesis));
        var attestationStore = new AttestationStore(database);
        var tip = store.LatestHeight;
        var certifiedHeight = attestationStore.CertifiedHeight;
        var groups = Channel.CreateBounded<Group>(new BoundedChannelOptions(GroupsAheadMax) { SingleReader = true, SingleWriter = true });
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() => ReadGroups(store, attestationStore, tip, groups.Writer, stop.Token));
        try
        {
            while (groups.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (groups.Reader.TryRead(out var group))
                {
                    if (group.Blocks.Count > 0 && !auditor.Append(group.Blocks, group.Attestations))
                    {
                        return new StoreAuditSummary(tip, certifiedHeight);
                    }

                    progress?.Invoke((ulong)group.Blocks.Count);
                    if (group.Failure is { } failure)
                    {
                        auditor.RecordFailure(failure.Height, failure.Reason);
                        return new StoreAuditSummary(tip, certifiedHeight);
                    }
                }
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                reader.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // The auditor stopped early; the reader was told to stop.
            }
        }

        if (certifiedHeight > 0)
        {
            auditor.RequireCertified(Math.Min(certifiedHeight, tip));
        }

        return new StoreAuditSummary(tip, certifiedHeight);
    }

    public static BlockHashing Hashing(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        return BlockHashing.Canonical(CryptoSuites.Get(genesis.Suite).Hash);
    }

    // Read-only: nothing in the directory is created or changed, and a running node's store opens too
    // (read as of the open). A directory that holds no ledger is refused, never created.
    private static LedgerDatabase Open(string databaseDirectory, ConsortiumGenesis genesis) => LedgerDatabase.OpenReadOnly(new LedgerDatabaseOptions
    {
        DataDirectory = ResolveDatabaseDirectory(databaseDirectory),
        ChainId = genesis.ChainId,
        BlockCacheBytes = 16UL * 1024 * 1024,
    });

    private static async Task ReadGroups(BlockStore store, AttestationStore attestations, ulong tip, ChannelWriter<Group> writer, CancellationToken cancellation)
    {
        var blocks = new List<Block>();
        var signatures = new List<IReadOnlyList<Attestation>?>();
        var transactions = 0;
        AuditFailure? failure = null;
        try
        {
            for (var height = BlockStore.FirstHeight; height <= tip && failure is null; height++)
            {
                cancellation.ThrowIfCancellationRequested();
                Block? block = null;
                try
                {
                    block = store.GetBlock(height);
                    if (block is null)
                    {
                        failure = new AuditFailure(height, "block is missing from the store");
                    }
                }
                catch (StorageCorruptionException exception)
                {
                    failure = new AuditFailure(exception.Height ?? height, $"stored block is corrupt: {exception.Message}");
                }
                catch (Google.Protobuf.InvalidProtocolBufferException exception)
                {
                    failure = new AuditFailure(height, $"stored block does not parse: {exception.Message}");
                }

                if (block is null)
                {
                    break;
                }

                IReadOnlyList<Attestation> stored;
                try
                {
                    stored = attestations.Get(height);
                }
                catch (StorageCorruptionException exception)
                {
                    failure = new AuditFailure(height, $"stored attestation is corrupt: {exception.Message}");
                    break;
                }

                blocks.Add(block);
                signatures.Add(stored);
                transactions += block.Transactions.Count;
                if (transactions >= GroupTransactionsMax)
                {
                    await writer.WriteAsync(new Group(blocks, signatures, null), cancellation).ConfigureAwait(false);
                    blocks = [];
                    signatures = [];
                    transactions = 0;
                }
            }

            await writer.WriteAsync(new Group(blocks, signatures, failure), cancellation).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private sealed record Group(List<Block> Blocks, List<IReadOnlyList<Attestation>?> Attestations, AuditFailure? Failure);
}

/// <summary>What the store itself claims: its tip and the highest height it marked certified.</summary>
public sealed record StoreAuditSummary(ulong TipHeight, ulong CertifiedHeight);
