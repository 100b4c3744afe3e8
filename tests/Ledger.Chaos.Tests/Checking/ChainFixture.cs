using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Chaos.Checking.Chain;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>
/// A consortium and a chain built with Core alone, the way nodes build it (signed registrations,
/// tx and log roots, hash links, node attestations), so the checker's audit passes on it unless a
/// test breaks it on purpose.
/// </summary>
internal sealed class ChainFixture
{
    public const string ChainId = "chaos-check-chain";

    private readonly MemoryMerkleTree log;
    private readonly List<Block> blocks = [];
    private readonly List<CertifiedHeader> certified = [];
    private ulong nonce;

    public ChainFixture()
    {
        Suite = CryptoSuites.P256Sha256;
        NodeKeys = [Suite.GenerateKeyPair(), Suite.GenerateKeyPair(), Suite.GenerateKeyPair()];
        Platform = Suite.GenerateKeyPair();
        var admin = Suite.GenerateKeyPair();
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = Suite.Name,
            ProposalExpiryBlocks = 100,
            Members =
            [
                new GenesisMember { Id = "admin", Name = "admin", Role = "admin", Keys = [Key(admin)] },
                new GenesisMember { Id = "platform", Name = "platform", Role = "platform", Keys = [Key(Platform)] },
            ],
            Nodes = [.. NodeKeys.Select((key, i) => new GenesisNode { Id = NodeId(i), Address = $"https://127.0.0.1:{7051 + (2 * i)}", Key = Key(key) })],
        };
        GenesisBytes = Encoding.UTF8.GetBytes(genesis.ToJson());
        log = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 4096);
    }

    public ICryptoSuite Suite { get; }

    public IReadOnlyList<KeyPair> NodeKeys { get; }

    public KeyPair Platform { get; }

    public byte[] GenesisBytes { get; }

    public IReadOnlyList<Block> Blocks => blocks;

    public static string NodeId(int index) => $"node-{index + 1}";

    /// <summary>The work key (content hash, lower-case hex) of a registration made from <paramref name="label"/>.</summary>
    public static string WorkOf(string label) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(label)));

    public SignedTransaction Registration(string label) =>
        TransactionSigning.Sign(Platform, new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = ++nonce,
            Type = TransactionType.RegisterWork,
            Body = new RegisterWork
            {
                ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(SHA256.HashData(Encoding.UTF8.GetBytes(label))) },
                MediaType = MediaType.Image,
                Title = label,
                RightsHolder = new RightsHolder { MemberId = "platform" },
            }.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(Platform.KeyId.Bytes),
            Suite = Platform.Suite.Name,
            CreatedUnixMs = 1_764_000_000_000,
        });

    public string HashOf(SignedTransaction transaction) => Convert.ToHexStringLower(TransactionHashing.ComputeHash(Suite.Hash, transaction));

    /// <summary>Appends a block of these transactions, all accepted.</summary>
    public Block Append(params SignedTransaction[] transactions) =>
        Append([.. transactions.Select(t => (t, new TransactionResult { Code = ResultCode.Ok }))]);

    /// <summary>Appends a block of these transactions with the results the ledger recorded for them.</summary>
    public Block Append(IReadOnlyList<(SignedTransaction Transaction, TransactionResult Result)> recorded)
    {
        var transactions = recorded.Select(r => r.Transaction).ToArray();
        var height = (ulong)blocks.Count + 1;
        var previous = blocks.Count == 0 ? new byte[Suite.Hash.HashSizeBytes] : BlockHash.Compute(blocks[^1].Header, Suite.Hash);
        var txTree = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 1024);
        foreach (var (transaction, result) in recorded)
        {
            var leafHash = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(Suite.Hash, transaction), result, Suite.Hash);
            txTree.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
        }

        var header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(previous),
            TxRoot = ByteString.CopyFrom(txTree.ComputeRoot()),
            LogSize = log.Size,
            LogRoot = ByteString.CopyFrom(log.ComputeRoot()),
            TimestampUnixMs = 1_764_000_000_000 + ((long)height * 1000),
            ProposerNodeId = NodeId(0),
            RaftTerm = 2,
            RaftIndex = 10 + height,
            TxCount = (uint)transactions.Length,
        };
        var block = new Block { Header = header };
        block.Transactions.AddRange(transactions);
        block.Results.AddRange(recorded.Select(r => r.Result));
        blocks.Add(block);
        var certificate = new CertifiedHeader { Header = header };
        for (var i = 0; i < NodeKeys.Count; i++)
        {
            certificate.Attestations.Add(BlockAttestations.Sign(NodeKeys[i], NodeId(i), header, Suite.Hash));
        }

        certified.Add(certificate);
        return block;
    }

    /// <summary>The evidence bundle of the transaction at <paramref name="height"/>/<paramref name="position"/>.</summary>
    public EvidenceBundle Bundle(ulong height, int position)
    {
        var block = blocks[(int)height - 1];
        var header = block.Header;
        var leafIndex = LogLeafIndex.Get(header, (uint)position);
        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = header.LogSize };
        proof.Path.AddRange(log.BuildInclusionProof(leafIndex, header.LogSize).Select(ByteString.CopyFrom));
        var transaction = block.Transactions[position];
        return new EvidenceBundle
        {
            Transaction = transaction,
            TransactionHash = TransactionHashing.ComputeHash(Suite.Hash, transaction),
            Result = block.Results[position],
            BlockHeight = height,
            Position = (uint)position,
            LogInclusion = proof,
            CertifiedHeader = certified[(int)height - 1],
            Genesis = GenesisBytes,
        };
    }

    /// <summary>A node serving <paramref name="chain"/> (copies, so a test may alter one node's blocks).</summary>
    public static FakeNodeChain Node(int index, IEnumerable<Block> chain) => new(NodeId(index), [.. chain.Select(b => b.Clone())]);

    private static GenesisKey Key(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() };
}

/// <summary>A node's chain held in memory; <see cref="Unreachable"/> makes every call fail as a dead node's would.</summary>
internal sealed class FakeNodeChain(string nodeId, List<Block> blocks) : INodeChain
{
    public string NodeId { get; } = nodeId;

    public List<Block> Blocks { get; } = blocks;

    public bool Unreachable { get; set; }

    public Task<ulong> GetHeightAsync(CancellationToken cancellation) =>
        Unreachable ? Task.FromException<ulong>(new IOException($"{NodeId} is down")) : Task.FromResult((ulong)Blocks.Count);

    public async IAsyncEnumerable<Block> GetBlocksAsync(ulong fromHeight, ulong toHeight, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await Task.Yield();
        if (Unreachable)
        {
            throw new IOException($"{NodeId} is down");
        }

        for (var height = fromHeight; height <= toHeight && height <= (ulong)Blocks.Count; height++)
        {
            yield return Blocks[(int)height - 1];
        }
    }
}
