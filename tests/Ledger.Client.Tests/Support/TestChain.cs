using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Support;

/// <summary>
/// A small consortium (3 nodes, admin + platform members) and a two-block chain built with Core
/// alone, the way a node would: block 1 holds filler transactions, block 2 holds a RegisterWork,
/// a BatchRegister and more filler; headers are attested by all three node keys.
/// </summary>
public sealed class TestChain
{
    public const string ChainId = "test-chain";
    public static readonly byte[] WorkContent = Encoding.UTF8.GetBytes("the registered photograph");

    private readonly MemoryMerkleTree log;
    private readonly List<Block> blocks = [];
    private readonly List<CertifiedHeader> certified = [];

    public TestChain(ICryptoSuite? suite = null)
    {
        Suite = suite ?? CryptoSuites.P256Sha256;
        NodeKeys = [Suite.GenerateKeyPair(), Suite.GenerateKeyPair(), Suite.GenerateKeyPair()];
        Admin = Suite.GenerateKeyPair();
        Platform = Suite.GenerateKeyPair();
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = Suite.Name,
            ProposalExpiryBlocks = 100,
            Members =
            [
                Member("admin", "admin", Admin),
                Member("platform", "platform", Platform),
            ],
            Nodes = [.. NodeKeys.Select((key, i) => new GenesisNode { Id = $"node-{i + 1}", Address = $"https://127.0.0.1:{7051 + (2 * i)}", Key = Key(key) })],
        };
        GenesisBytes = Encoding.UTF8.GetBytes(genesis.ToJson());
        log = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 1024);

        var block1 = new List<(SignedTransaction, TransactionResult)> { Filler(1), Filler(2), Filler(3) };
        Block1 = AppendBlock(1, new byte[Suite.Hash.HashSizeBytes], block1);

        Items = [.. Enumerable.Range(0, 5).Select(i => new BatchItem { ContentSha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes($"item {i}"))), ItemId = $"sku-{i}" })];
        Items[2].PerceptualHash = 0x0123456789abcdefUL;
        var batchTree = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 16);
        foreach (var item in Items)
        {
            batchTree.AppendLeaf(BatchItemLeaf.Encode(item));
        }

        BatchTree = batchTree;
        var batchBody = new BatchRegister { MerkleRoot = ByteString.CopyFrom(batchTree.ComputeRoot()), ItemCount = (uint)Items.Count, MediaType = MediaType.ProductListing, RightsHolder = new RightsHolder { MemberId = "platform" } };
        Work = Sign(Platform, TransactionType.RegisterWork, new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(SHA256.HashData(WorkContent)) },
            MediaType = MediaType.Image,
            Title = "Sunset over the harbour",
            PerceptualHash = 0xfedcba9876543210UL,
            RightsHolder = new RightsHolder { MemberId = "platform" },
        }.ToByteString(), 10);
        Batch = Sign(Platform, TransactionType.BatchRegister, batchBody.ToByteString(), 11);
        ItemOutcomes = [.. Items.Select((_, i) => BatchItemOutcome.Accepted((uint)i))];
        var ok = new TransactionResult { Code = ResultCode.Ok };
        var batchOk = new TransactionResult { Code = ResultCode.Ok, ItemOutcomesRoot = ByteString.CopyFrom(BatchItemOutcomeTree.ComputeRoot(ItemOutcomes, Suite.Hash)) };
        var block2 = new List<(SignedTransaction, TransactionResult)> { Filler(4), (Work, ok), (Batch, batchOk), Filler(5) };
        Block2 = AppendBlock(2, BlockHash.Compute(Block1.Header, Suite.Hash), block2);
    }

    public ICryptoSuite Suite { get; }

    public IReadOnlyList<KeyPair> NodeKeys { get; }

    public KeyPair Admin { get; }

    public KeyPair Platform { get; }

    public byte[] GenesisBytes { get; }

    public CertifiedHeader Block1 { get; }

    public CertifiedHeader Block2 { get; }

    public SignedTransaction Work { get; }

    public SignedTransaction Batch { get; }

    public IReadOnlyList<BatchItem> Items { get; }

    /// <summary>Every item of the batch accepted; the batch's result commits to these.</summary>
    public IReadOnlyList<BatchItemOutcome> ItemOutcomes { get; }

    public MemoryMerkleTree BatchTree { get; }

    public MemoryMerkleTree Log => log;

    /// <summary>Blocks 1 and 2 with their transactions and results.</summary>
    public IReadOnlyList<Block> Blocks => blocks;

    public ConsortiumGenesis Genesis => ConsortiumGenesis.Parse(GenesisBytes);

    /// <summary>The bundle for the RegisterWork (block 2, position 1).</summary>
    public EvidenceBundle WorkBundle() => BundleFor(Work, 1, null);

    /// <summary>The bundle for batch item <paramref name="itemIndex"/> (block 2, position 2).</summary>
    public EvidenceBundle BatchItemBundle(int itemIndex) => BundleFor(Batch, 2, BatchItemEvidence.Build(Items, ItemOutcomes, itemIndex, Suite.Hash));

    public static byte[] GenesisSha256(TestChain chain) => SHA256.HashData(chain.GenesisBytes);

    /// <summary>Every block's certified header (attested by all three nodes), by height from 1.</summary>
    public IReadOnlyList<CertifiedHeader> Certified => certified;

    /// <summary>Appends <paramref name="count"/> blocks of two filler transactions each (a chain longer than any page).</summary>
    public TestChain ExtendWithFillers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var last = blocks[^1].Header;
            var nonce = 1_000 + (ulong)(2 * blocks.Count);
            AppendBlock(last.Height + 1, BlockHash.Compute(last, Suite.Hash), [Filler(nonce), Filler(nonce + 1)]);
        }

        return this;
    }

    /// <summary>The inclusion proof of the last leaf of the log at <paramref name="treeSize"/> (what an audit resuming from a checkpoint asks for).</summary>
    public InclusionProof LastLeafProof(ulong treeSize)
    {
        var proof = new InclusionProof { LeafIndex = treeSize - 1, TreeSize = treeSize };
        proof.Path.AddRange(log.BuildInclusionProof(treeSize - 1, treeSize).Select(ByteString.CopyFrom));
        return proof;
    }

    private EvidenceBundle BundleFor(SignedTransaction transaction, uint position, BatchItemEvidence? item)
    {
        var header = Block2.Header;
        var leafIndex = LogLeafIndex.Get(header, position);
        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = header.LogSize };
        proof.Path.AddRange(log.BuildInclusionProof(leafIndex, header.LogSize).Select(ByteString.CopyFrom));
        return new EvidenceBundle
        {
            Transaction = transaction,
            TransactionHash = TransactionHashing.ComputeHash(Suite.Hash, transaction),
            Result = Blocks[1].Results[(int)position],
            BlockHeight = header.Height,
            Position = position,
            LogInclusion = proof,
            CertifiedHeader = Block2,
            Genesis = GenesisBytes,
            BatchItem = item,
        };
    }

    private CertifiedHeader AppendBlock(ulong height, byte[] previousHash, List<(SignedTransaction Transaction, TransactionResult Result)> transactions)
    {
        var txTree = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 64);
        foreach (var (transaction, result) in transactions)
        {
            var leafHash = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(Suite.Hash, transaction), result, Suite.Hash);
            txTree.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
        }

        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(previousHash),
            TxRoot = ByteString.CopyFrom(txTree.ComputeRoot()),
            LogSize = log.Size,
            LogRoot = ByteString.CopyFrom(log.ComputeRoot()),
            TimestampUnixMs = 1_764_000_000_000 + ((long)height * 1000),
            ProposerNodeId = "node-1",
            RaftTerm = 2,
            RaftIndex = 10 + height,
            TxCount = (uint)transactions.Count,
        };
        var block = new Block { Header = header };
        block.Transactions.AddRange(transactions.Select(t => t.Transaction));
        block.Results.AddRange(transactions.Select(t => t.Result));
        blocks.Add(block);
        var certified = new CertifiedHeader { Header = header };
        for (var i = 0; i < NodeKeys.Count; i++)
        {
            certified.Attestations.Add(BlockAttestations.Sign(NodeKeys[i], $"node-{i + 1}", header, Suite.Hash));
        }

        this.certified.Add(certified);
        return certified;
    }

    private (SignedTransaction, TransactionResult) Filler(ulong nonce) =>
        (Sign(Admin, TransactionType.Anchor, ByteString.CopyFromUtf8($"filler {nonce}"), nonce), new TransactionResult { Code = ResultCode.Ok });

    private SignedTransaction Sign(KeyPair signer, TransactionType type, ByteString body, ulong nonce) =>
        TransactionSigning.Sign(signer, new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = nonce,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
            CreatedUnixMs = 1_764_000_000_000,
        });

    private static GenesisMember Member(string id, string role, KeyPair key) =>
        new() { Id = id, Name = id, Role = role, Keys = [Key(key)] };

    private static GenesisKey Key(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() };
}
