using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Signatures;
using Ledger.Registry.Genesis;
using Ledger.Registry.Model;
using Ledger.Registry.Queries;
using Ledger.Registry.State;
using Ledger.Storage.Registry;
using RocksDbSharp;

namespace Ledger.Storage.Tests.Registry;

/// <summary>Batch items (storage format 4) through the RocksDB state as the node persists blocks: rebuilt records, owner listing, and images fed to the similarity tables from staged item chunks.</summary>
public sealed class RocksDbBatchItemTests
{
    private const string ChainId = "batch-items";
    private const string Suite = "p256-sha256";
    private const string Platform = "platform-1";
    private static readonly RegistryOptions Options = new(Sha256HashAlgorithm.Instance);
    private string directory = "";
    private ulong nonce;

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-batch-items-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void BatchItems_AfterBlocksAreWritten_AreFoundByContentHashOwnerAndSimilarity_RejectedDuplicatesAreNot()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId });
        var state = new RocksDbRegistryState(database);
        RegistryGenesis.Initialize(state, Genesis(), Options);
        var applier = new RegistryApplier(Options);
        var queries = new RegistryQueries(state, Options);
        var holder = new RightsHolder { MemberId = Platform };
        var first = Apply(database, state, applier, 1, Batch(holder, 0, 600));
        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(599), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(first, 599)), "tables built from the stored chunks");

        // Items 590..599 repeat the first batch; the tables are live now, so this block's images come from its staged chunks.
        var second = Apply(database, state, applier, 2, Batch(holder, 590, 400));

        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(989), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(second, 399)));
        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(595), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(first, 595)), "the rejected repeat is not an image");
        var found = queries.FindByContentHash(ContentHashAlgorithm.Sha256, ContentOf(700).Span)!;
        Assert.That(found.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(second, 110)));
        Assert.That(found.ItemId, Is.EqualTo("item-700"));
        var listed = new List<byte[]>();
        byte[]? token = null;
        do
        {
            var page = queries.GetWorksByOwner(holder, token, 128);
            listed.AddRange(page.Items.Select(w => w.WorkId.ToByteArray()));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.That(listed, Has.Count.EqualTo(600 + 390));
        Assert.That(state.Scan(PerceptualHashIndexPrefix()).Any(), Is.False, "no per-item perceptual-hash entries");
    }

    [Test]
    public void SimilarityIndex_IndexesAcceptedBatchItemsFromTheirChunks_BothFollowingBlocksAndRebuildingADirectoryWithoutIt()
    {
        byte[] first, second;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId }))
        {
            using var state = new RocksDbRegistryState(database);
            RegistryGenesis.Initialize(state, Genesis(), Options);
            state.StartSimilarityIndex(Options.Similarity.Layout);
            // A new directory has no index yet: its (empty) rebuild runs in the background, and a query during it
            // answers "unavailable" (this assertion raced it on a loaded machine).
            WaitUntilRebuilt(state);
            var applier = new RegistryApplier(Options);
            var holder = new RightsHolder { MemberId = Platform };
            first = Apply(database, state, applier, 1, Batch(holder, 0, 600));
            second = Apply(database, state, applier, 2, Batch(holder, 590, 400));
            AssertBatchImages(state, first, second);
        }

        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId }))
        {
            // As a directory from before the similarity index: its column family is empty.
            using var clear = new WriteBatch();
            clear.DeleteRange([0x00], 1, [0xFF, 0xFF], 2, database.SimilarityIndex);
            database.Write(clear, sync: true);
        }

        using var reopened = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId });
        using var rebuilt = new RocksDbRegistryState(reopened);
        rebuilt.StartSimilarityIndex(Options.Similarity.Layout);
        WaitUntilRebuilt(rebuilt);

        Assert.That(rebuilt.SimilarityProgress!.RebuiltImages, Is.EqualTo(600 + 390), "every accepted item once; the 10 rejected repeats are not images");
        AssertBatchImages(rebuilt, first, second);
    }

    /// <summary>
    /// A directory whose content-hash entries hold 36-byte work ids (as every directory written before
    /// the 9-byte batch-item form does, with no batch ordinals) keeps answering and rejecting after a
    /// reopen, and the batches applied on it write the 9-byte form beside those entries.
    /// </summary>
    [Test]
    public void ContentHashEntries_InTheWorkIdForm_AfterReopen_AreFoundAndRejectDuplicates_NewItemsTakeNineBytes()
    {
        var holder = new RightsHolder { MemberId = Platform };
        byte[] first;
        using (var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId }))
        {
            using var state = new RocksDbRegistryState(database);
            RegistryGenesis.Initialize(state, Genesis(), Options);
            first = Apply(database, state, new RegistryApplier(Options), 1, Batch(holder, 0, 600));

            // Rewrite the batch's entries as the code before wrote them and drop its ordinal.
            using var rewrite = new WriteBatch();
            var rewritten = 0;
            foreach (var entry in state.Scan(new StateKey([(byte)KeySpace.ContentHashIndex])).ToList())
            {
                Assert.That(entry.Value, Has.Length.EqualTo(ContentHashIndexValue.BatchItemBytes));
                rewrite.Put(entry.Key.UnsafeBytes, WorkIds.Create(first, ContentHashIndexValue.ItemIndexOf(entry.Value)), database.RegistryState);
                rewritten++;
            }

            rewrite.Delete(StateKeys.BatchOrdinal(0).UnsafeBytes, database.RegistryState);
            rewrite.Delete(StateKeys.BatchOrdinalNext().UnsafeBytes, database.RegistryState);
            database.Write(rewrite, sync: true);
            Assert.That(rewritten, Is.EqualTo(600));
        }

        using var reopened = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = ChainId });
        using var reopenedState = new RocksDbRegistryState(reopened);
        var queries = new RegistryQueries(reopenedState, Options);
        Assert.That(queries.FindByContentHash(ContentHashAlgorithm.Sha256, ContentOf(5).Span)!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(first, 5)));

        var second = Apply(reopened, reopenedState, new RegistryApplier(Options), 2, Batch(holder, 590, 400));

        var outcome = queries.GetBatchOutcome(second)!;
        Assert.That(outcome.AcceptedCount, Is.EqualTo(390));
        Assert.That(outcome.Rejections.Select(r => r.ReferenceWorkId.ToByteArray()), Is.EqualTo(Enumerable.Range(590, 10).Select(i => WorkIds.Create(first, (uint)i))));
        Assert.That(outcome.Rejections[0].Reason, Is.EqualTo($"content already registered as work {Convert.ToHexString(WorkIds.Create(first, 590))}"));
        Assert.That(reopenedState.TryGet(StateKeys.ContentHash(ContentHashAlgorithm.Sha256, ContentOf(700).Span), out var compact) ? compact : null, Is.EqualTo(ContentHashIndexValue.ForBatchItem(0, 110)));
        Assert.That(queries.FindByContentHash(ContentHashAlgorithm.Sha256, ContentOf(700).Span)!.WorkId.ToByteArray(), Is.EqualTo(WorkIds.Create(second, 110)));
    }

    private static void WaitUntilRebuilt(RocksDbRegistryState state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (state.SimilarityProgress is not { Rebuilding: false } && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
    }

    private static void AssertBatchImages(RocksDbRegistryState state, byte[] first, byte[] second)
    {
        var queries = new RegistryQueries(state, Options);
        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(599), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(first, 599)));
        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(989), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(second, 399)));
        Assert.That(queries.FindSimilarWorks(PerceptualHashOf(595), 0, 10).Matches.Single().WorkId, Is.EqualTo(WorkIds.Create(first, 595)), "the rejected repeat is not an image");
    }

    private byte[] Apply(LedgerDatabase database, RocksDbRegistryState state, RegistryApplier applier, ulong height, (BatchRegister Body, BatchItems Items) batchToApply)
    {
        var (body, items) = batchToApply;
        var envelope = new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = ++nonce,
            Type = TransactionType.BatchRegister,
            Body = body.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(SHA256.HashData(PublicKey(Platform))),
            Suite = Suite,
        };
        // Fake keys cannot sign: the transaction carries the verdict a real check would give.
        var transaction = new RegistryTransaction(SHA256.HashData(envelope.ToByteArray()), envelope, precomputedSignature: new SignatureVerdict(ChainId, PublicKey(Platform), isValid: true), detachedItems: items.ToByteString());
        var application = applier.ApplyBlock(state, new BlockContext(ChainId, height, 1_700_000_000_000 + (long)height), [transaction]);
        Assert.That(application.Outcomes[0].IsOk, Is.True, application.Outcomes[0].ToString());
        using var batch = new WriteBatch();
        state.Stage(batch, application.Writes);
        database.Write(batch, sync: false);
        return transaction.TxHash;
    }

    /// <summary>The signed body (root and count) and the detached items.</summary>
    private static (BatchRegister Body, BatchItems Items) Batch(RightsHolder holder, int first, int count)
    {
        var items = new BatchItems();
        for (var i = first; i < first + count; i++)
        {
            items.Items.Add(new BatchItem { ContentSha256 = ContentOf(i), ItemId = $"item-{i}", PerceptualHash = PerceptualHashOf(i) });
        }

        var body = new BatchRegister { MediaType = MediaType.Image, RightsHolder = holder, ItemCount = (uint)count };
        body.MerkleRoot = ByteString.CopyFrom(BatchMerkleRoot.Compute(Options.Hash, items.Items));
        return (body, items);
    }

    private static ByteString ContentOf(int i) => ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes($"content-{i}")));

    private static ulong PerceptualHashOf(int i) => unchecked((ulong)(i + 1) * 0x9E3779B97F4A7C15UL);

    private static StateKey PerceptualHashIndexPrefix() => new([(byte)KeySpace.PerceptualHashIndex]);

    private static byte[] PublicKey(string id) => Encoding.UTF8.GetBytes("pk/" + id);

    private static ConsortiumGenesis Genesis()
    {
        static GenesisMember Member(string id, string role) => new()
        {
            Id = id,
            Role = role,
            Keys = [new GenesisKey { Suite = Suite, PublicKey = PublicKey(id) }],
        };

        return new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = Suite,
            ProposalExpiryBlocks = 100,
            Members = [Member("admin-1", "admin"), Member(Platform, "platform")],
            Nodes = [new GenesisNode { Id = "node-1", Address = "http://127.0.0.1:7001", Key = new GenesisKey { Suite = Suite, PublicKey = PublicKey("node-1") } }],
        };
    }
}
