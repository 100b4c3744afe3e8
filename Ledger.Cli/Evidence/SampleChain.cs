using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Cli.Evidence;

/// <summary>
/// A deterministic chain built with Core alone, the way a node would build it, from which the
/// published sample bundles (docs/samples/) are cut. Every key comes from a fixed seed and the suite
/// is ed25519 by default (deterministic signatures), so building it twice gives identical bytes (with
/// p256-sha256 or sm2-sm3 the keys are the same but ECDSA/SM2 signatures are randomized). Consortium
/// "sample-chain": members admin, studio (rights_holder), platform; nodes node-1..3 (all attest).
/// <list type="bullet">
/// <item>block 1 (2026-01-05 09:00 UTC): studio registers the work "Harbour at dawn" (position 0) and a
/// batch of 3 product photos (position 1, all accepted);</item>
/// <item>block 2 (2026-03-10 14:30 UTC): platform registers the same photo (position 0, REJECTED as a
/// duplicate of studio's work), a batch of <see cref="LateBatchItemCount"/> items (position 1: item 0 new,
/// item 1 = studio's work, item 2 = studio's batch item 1; items 1 and 2 REJECTED as duplicates, the
/// rest new), and studio's batch item 2 again as a RegisterWork (position 2, REJECTED, naming the batch).</item>
/// </list>
/// </summary>
public sealed class SampleChain
{
    public const string ChainId = "sample-chain";
    public const long Block1UnixMs = 1_767_603_600_000; // 2026-01-05 09:00:00 UTC
    public const long Block2UnixMs = 1_773_153_000_000; // 2026-03-10 14:30:00 UTC
    public const int EarlyBatchItemCount = 3;

    private readonly ICryptoSuite suite;
    private readonly MemoryMerkleTree log;
    private readonly IReadOnlyList<KeyPair> nodeKeys;
    private readonly List<CertifiedHeader> headers = [];
    private readonly KeyPair admin;
    private readonly KeyPair studio;
    private readonly KeyPair platform;
    private readonly KeyPair witness;

    /// <param name="lateBatchItemCount">Items in platform's batch of block 2 (at least 3): the size tests use large ones.</param>
    /// <param name="suite">The consortium's suite (ed25519 when null); the witness key is ed25519 whatever it is (cosignature/v1).
    /// With sm2-sm3 the works also register their SM3 content hash, as an SM consortium's members would.</param>
    public SampleChain(int lateBatchItemCount = 4, ICryptoSuite? suite = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lateBatchItemCount, 3);
        suite ??= CryptoSuites.Ed25519;
        this.suite = suite;
        LateBatchItemCount = lateBatchItemCount;
        nodeKeys = [Key("node-1"), Key("node-2"), Key("node-3")];
        admin = Key("admin");
        studio = Key("studio");
        platform = Key("platform");
        witness = Key("witness-1", CryptoSuites.Ed25519);
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 100,
            Members = [Member("admin", "admin", admin), Member("studio", "rights_holder", studio), Member("platform", "platform", platform), Member(WitnessName, "witness", witness)],
            Nodes = [.. nodeKeys.Select((key, i) => new GenesisNode { Id = $"node-{i + 1}", Address = $"https://127.0.0.1:{7051 + (2 * i)}", Key = GenesisKeyOf(key) })],
        };
        GenesisBytes = Encoding.UTF8.GetBytes(genesis.ToJson());
        log = new MemoryMerkleTree(new MerkleHasher(suite.Hash), 64);

        // Block 1: studio's registrations.
        StudioWork = Sign(studio, TransactionType.RegisterWork, new RegisterWork
        {
            ContentHash = WorkContentHash(),
            MediaType = MediaType.Image,
            Title = "Harbour at dawn",
            RightsHolder = new RightsHolder { MemberId = "studio" },
        }.ToByteString(), 1);
        StudioItems = [.. Enumerable.Range(0, EarlyBatchItemCount).Select(i => Item($"studio-photo-{i}", $"studio product photo {i}"))];
        StudioBatch = SignBatch(studio, "studio", StudioItems, 2);
        StudioOutcomes = [.. Enumerable.Range(0, EarlyBatchItemCount).Select(i => BatchItemOutcome.Accepted((uint)i))];
        var ok = new TransactionResult { Code = ResultCode.Ok };
        Append(Block1UnixMs, [(StudioWork, ok), (StudioBatch, BatchResult(StudioOutcomes))]);

        // Block 2: platform's, three of them duplicates of studio's.
        var studioWorkHash = TxHash(StudioWork);
        var studioBatchHash = TxHash(StudioBatch);
        PlatformWork = Sign(platform, TransactionType.RegisterWork, new RegisterWork
        {
            ContentHash = WorkContentHash(),
            MediaType = MediaType.Image,
            Title = "Sunrise over the port",
            RightsHolder = new RightsHolder { MemberId = "platform" },
        }.ToByteString(), 1);
        PlatformItems = [.. Enumerable.Range(0, lateBatchItemCount).Select(i => i switch
        {
            1 => new BatchItem { ItemId = "listing-1", ContentSha256 = ByteString.CopyFrom(SHA256.HashData(WorkContent)) },
            2 => new BatchItem { ItemId = "listing-2", ContentSha256 = StudioItems[1].ContentSha256 },
            _ => Item($"listing-{i}", $"platform listing photo {i}"),
        })];
        PlatformBatch = SignBatch(platform, "platform", PlatformItems, 2);
        var recorded = new BatchRegisterOutcome { ItemCount = (uint)lateBatchItemCount, AcceptedCount = (uint)lateBatchItemCount - 2 };
        recorded.Rejections.Add(Duplicate(1, WorkId(studioWorkHash, 0)));
        recorded.Rejections.Add(Duplicate(2, WorkId(studioBatchHash, 1)));
        PlatformOutcomes = BatchItemOutcomeTree.FromBatchOutcome(recorded);
        PlatformCopyOfItem = Sign(platform, TransactionType.RegisterWork, new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = StudioItems[2].ContentSha256 },
            MediaType = MediaType.ProductListing,
            Title = "Listing photo",
            RightsHolder = new RightsHolder { MemberId = "platform" },
        }.ToByteString(), 3);
        Append(Block2UnixMs, [
            (PlatformWork, DuplicateResult(studioWorkHash, WorkId(studioWorkHash, 0))),
            (PlatformBatch, BatchResult(PlatformOutcomes)),
            (PlatformCopyOfItem, DuplicateResult(studioBatchHash, WorkId(studioBatchHash, 2))),
        ]);
    }

    public const string WitnessName = "witness-1";

    /// <summary>The witness cosigned the latest checkpoint one minute after block 2.</summary>
    public const ulong CosignedUnixSeconds = (Block2UnixMs / 1000) + 60;

    /// <summary>The bytes of the registered photograph (studio's work; duplicated by platform).</summary>
    public static byte[] WorkContent => Encoding.UTF8.GetBytes("harbour-at-dawn.jpg: the sample photograph's bytes");

    public int LateBatchItemCount { get; }

    public ICryptoSuite Suite => suite;

    public byte[] GenesisBytes { get; }

    public SignedTransaction StudioWork { get; }

    public SignedTransaction StudioBatch { get; }

    public IReadOnlyList<BatchItem> StudioItems { get; }

    public IReadOnlyList<BatchItemOutcome> StudioOutcomes { get; }

    public SignedTransaction PlatformWork { get; }

    public SignedTransaction PlatformBatch { get; }

    public IReadOnlyList<BatchItem> PlatformItems { get; }

    public IReadOnlyList<BatchItemOutcome> PlatformOutcomes { get; }

    public SignedTransaction PlatformCopyOfItem { get; }

    public byte[] GenesisSha256 => SHA256.HashData(GenesisBytes);

    /// <summary>Studio's accepted work (block 1, position 0).</summary>
    public EvidenceBundle StudioWorkBundle() => Bundle(1, 0, StudioWork, null, null);

    /// <summary>Studio's accepted batch item (block 1, position 1).</summary>
    public EvidenceBundle StudioItemBundle(int item) => Bundle(1, 1, StudioBatch, StudioItem(item), null);

    /// <summary>Platform's RegisterWork, rejected as a duplicate, with studio's work as the prior registration.</summary>
    public EvidenceBundle PlatformWorkBundle(bool withPrior = true) => Bundle(2, 0, PlatformWork, null, withPrior ? Prior(1, 0, StudioWork, null) : null);

    /// <summary>Platform's batch item (block 2, position 1): 0 and 3.. accepted, 1 and 2 rejected (with their priors).</summary>
    public EvidenceBundle PlatformItemBundle(int item, bool withPrior = true)
    {
        var evidence = BatchItemEvidence.Build(PlatformItems, PlatformOutcomes, item, suite.Hash);
        var prior = !withPrior ? null : item switch
        {
            1 => Prior(1, 0, StudioWork, null),
            2 => Prior(1, 1, StudioBatch, StudioItem(1)),
            _ => null,
        };
        return Bundle(2, 1, PlatformBatch, evidence, prior);
    }

    /// <summary>Platform's RegisterWork of studio's batch item 2: rejected, the prior is that batch item.</summary>
    public EvidenceBundle PlatformCopyOfItemBundle() => Bundle(2, 2, PlatformCopyOfItem, null, Prior(1, 1, StudioBatch, StudioItem(2)));

    private ContentHash WorkContentHash()
    {
        var hash = new ContentHash { Sha256 = ByteString.CopyFrom(SHA256.HashData(WorkContent)) };
        if (suite.Name == CryptoSuites.Sm2Sm3Name)
        {
            var sm3 = new byte[Sm3HashAlgorithm.Instance.HashSizeBytes];
            Sm3HashAlgorithm.Instance.Hash(WorkContent, sm3);
            hash.Sm3 = ByteString.CopyFrom(sm3);
        }

        return hash;
    }

    private BatchItemEvidence StudioItem(int item) => BatchItemEvidence.Build(StudioItems, StudioOutcomes, item, suite.Hash);

    private EvidenceBundle Bundle(ulong height, uint position, SignedTransaction transaction, BatchItemEvidence? item, PriorRegistrationEvidence? prior)
    {
        var certified = headers[(int)height - 1];
        return new EvidenceBundle
        {
            Transaction = WithoutItems(transaction),
            TransactionHash = TxHash(transaction),
            Result = ResultAt(certified.Header, position),
            BlockHeight = height,
            Position = position,
            LogInclusion = Proof(certified.Header, position),
            CertifiedHeader = certified,
            Genesis = GenesisBytes,
            BatchItem = item,
            PriorRegistration = prior,
            Checkpoint = LatestCheckpoint(certified.Header),
        };
    }

    /// <summary>The checkpoint of the whole sample log, signed by the three nodes and cosigned by the witness, with the consistency proof from <paramref name="header"/>'s log.</summary>
    private CheckpointEvidence LatestCheckpoint(BlockHeader header)
    {
        var latest = headers[^1].Header;
        var checkpoint = new Checkpoint(CheckpointOrigin.For(ChainId), latest.LogSize, latest.LogRoot.Span);
        var signatures = nodeKeys.Select(key => CheckpointSignatures.Sign(key, checkpoint, (ulong)latest.TimestampUnixMs)).ToList();
        signatures.Add(Cosignature.Sign(witness, WitnessName, checkpoint, CosignedUnixSeconds));
        var note = new SignedNote(checkpoint.Format(), signatures);
        return new CheckpointEvidence
        {
            SignedNote = note.Format(),
            ConsistencyPath = header.LogSize == latest.LogSize ? [] : log.BuildConsistencyProof(header.LogSize, latest.LogSize),
        };
    }

    private PriorRegistrationEvidence Prior(ulong height, uint position, SignedTransaction transaction, BatchItemEvidence? item)
    {
        var certified = headers[(int)height - 1];
        return new PriorRegistrationEvidence
        {
            Transaction = WithoutItems(transaction),
            TransactionHash = TxHash(transaction),
            Result = ResultAt(certified.Header, position),
            BlockHeight = height,
            Position = position,
            LogInclusion = Proof(certified.Header, position),
            CertifiedHeader = certified,
            BatchItem = item,
        };
    }

    private readonly Dictionary<ulong, TransactionResult> results = [];

    private TransactionResult ResultAt(BlockHeader header, uint position) => results[LogLeafIndex.Get(header, position)];

    private InclusionProof Proof(BlockHeader header, uint position)
    {
        var leaf = LogLeafIndex.Get(header, position);
        var proof = new InclusionProof { LeafIndex = leaf, TreeSize = header.LogSize };
        proof.Path.AddRange(log.BuildInclusionProof(leaf, header.LogSize).Select(ByteString.CopyFrom));
        return proof;
    }

    private void Append(long timestampUnixMs, List<(SignedTransaction Transaction, TransactionResult Result)> transactions)
    {
        var txTree = new MemoryMerkleTree(new MerkleHasher(suite.Hash), 64);
        foreach (var (transaction, result) in transactions)
        {
            var leafHash = LogLeaf.MerkleLeafHash(TxHash(transaction), result, suite.Hash);
            results[log.Size] = result;
            txTree.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
        }

        var height = (ulong)headers.Count + 1;
        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(headers.Count == 0 ? new byte[suite.Hash.HashSizeBytes] : BlockHash.Compute(headers[^1].Header, suite.Hash)),
            TxRoot = ByteString.CopyFrom(txTree.ComputeRoot()),
            LogSize = log.Size,
            LogRoot = ByteString.CopyFrom(log.ComputeRoot()),
            TimestampUnixMs = timestampUnixMs,
            ProposerNodeId = "node-1",
            RaftTerm = 1,
            RaftIndex = 2 + height,
            TxCount = (uint)transactions.Count,
        };
        var certified = new CertifiedHeader { Header = header };
        for (var i = 0; i < nodeKeys.Count; i++)
        {
            certified.Attestations.Add(BlockAttestations.Sign(nodeKeys[i], $"node-{i + 1}", header, suite.Hash));
        }

        headers.Add(certified);
    }

    private TransactionResult BatchResult(IReadOnlyList<BatchItemOutcome> outcomes) => new()
    {
        Code = ResultCode.Ok,
        Reason = $"{outcomes.Count(o => o.IsAccepted)} of {outcomes.Count} items registered",
        ItemOutcomesRoot = ByteString.CopyFrom(BatchItemOutcomeTree.ComputeRoot(outcomes, suite.Hash)),
    };

    /// <summary>As the registry records a duplicate RegisterWork (WorkTransactions.RejectIfRegistered).</summary>
    private static TransactionResult DuplicateResult(byte[] priorTxHash, byte[] priorWorkId) => new()
    {
        Code = ResultCode.Rejected,
        Reason = $"DuplicateContentHash: sha256 content hash already registered as work {Convert.ToHexString(priorWorkId)}",
        ReferenceTxHash = ByteString.CopyFrom(priorTxHash),
    };

    /// <summary>As the registry records a duplicate batch item (WorkTransactions, BatchRegister).</summary>
    private static BatchItemRejection Duplicate(uint index, byte[] priorWorkId) => new()
    {
        ItemIndex = index,
        ReasonCode = "DuplicateContentHash",
        Reason = $"content already registered as work {Convert.ToHexString(priorWorkId)}",
        ReferenceWorkId = ByteString.CopyFrom(priorWorkId),
    };

    private static byte[] WorkId(byte[] txHash, uint index)
    {
        var id = new byte[txHash.Length + sizeof(uint)];
        txHash.CopyTo(id, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(txHash.Length), index);
        return id;
    }

    private static BatchItem Item(string itemId, string content) =>
        new() { ItemId = itemId, ContentSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes(content))) };

    private byte[] TxHash(SignedTransaction transaction) => TransactionHashing.ComputeHash(suite.Hash, transaction);

    private static SignedTransaction WithoutItems(SignedTransaction transaction) =>
        new() { Envelope = transaction.Envelope, Signature = transaction.Signature };

    private SignedTransaction SignBatch(KeyPair signer, string holder, IReadOnlyList<BatchItem> items, ulong nonce)
    {
        var tree = new MemoryMerkleTree(new MerkleHasher(suite.Hash), items.Count);
        foreach (var item in items)
        {
            tree.AppendLeaf(BatchItemLeaf.Encode(item));
        }

        var body = new BatchRegister
        {
            MerkleRoot = ByteString.CopyFrom(tree.ComputeRoot()),
            ItemCount = (uint)items.Count,
            MediaType = MediaType.ProductListing,
            RightsHolder = new RightsHolder { MemberId = holder },
        };
        var signed = Sign(signer, TransactionType.BatchRegister, body.ToByteString(), nonce);
        var detached = new BatchItems();
        detached.Items.AddRange(items);
        signed.DetachedItems = detached.ToByteString();
        return signed;
    }

    private SignedTransaction Sign(KeyPair signer, TransactionType type, ByteString body, ulong nonce) =>
        TransactionSigning.Sign(signer, new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = nonce,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
            CreatedUnixMs = Block1UnixMs - 60_000,
        });

    /// <summary>A key from a fixed, public seed: sample keys protect nothing.</summary>
    private KeyPair Key(string name, ICryptoSuite? keySuite = null) => (keySuite ?? suite).ImportPrivateKey(SHA256.HashData(Encoding.UTF8.GetBytes($"ledger evidence sample key: {name}")));

    private static GenesisMember Member(string id, string role, KeyPair key) =>
        new() { Id = id, Name = id, Role = role, Keys = [GenesisKeyOf(key)] };

    private static GenesisKey GenesisKeyOf(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() };
}
