using System.Text;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Registry;
using Ledger.Registry.Applying;
using Ledger.Registry.Genesis;
using Ledger.Registry.State;
using Ledger.Storage;
using Ledger.Storage.Attestations;
using Ledger.Storage.Blocks;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Support;

/// <summary>
/// A chain whose node set and member keys change mid-way, built the way a node builds it: the
/// real <see cref="RegistryApplier"/> decides every result (so the "executed" outcomes are the
/// registry's own words), blocks and attestations go into a RocksDB <see cref="BlockStore"/> and
/// <see cref="AttestationStore"/>. Two admins, so changes pass by a proposal plus a vote.
/// <list type="bullet">
/// <item>block 1: platform anchors;</item>
/// <item>block 2: admin proposes RemoveNode node-3, admin2's vote executes it;</item>
/// <item>block 3: admin proposes AddNode node-4 with a fresh key (node-3's operator rotating its key);</item>
/// <item>block 4: admin2's vote executes it; admin proposes RotateMemberKey for platform, admin2's vote executes it;</item>
/// <item>block 5: platform anchors with its retired key (rejected), then with its new key (accepted).</item>
/// </list>
/// Attestations: blocks 1-2 by node-1..3, block 3-4 by node-1..2, block 5 by node-1, node-2, node-4.
/// </summary>
public sealed class GovernanceChain
{
    public const string ChainId = "gov-chain";

    private readonly RegistryApplier applier;
    private readonly MemoryRegistryState state = new();
    private readonly MemoryMerkleTree log;
    private readonly List<Block> blocks = [];
    private readonly Dictionary<string, KeyPair> nodeKeys = new(StringComparer.Ordinal);
    private readonly KeyPair admin;
    private readonly KeyPair admin2;
    private ulong nonce;

    /// <param name="suite">The consortium's suite (p256-sha256 when null); the browser cross-check builds one per suite.</param>
    public GovernanceChain(ICryptoSuite? suite = null)
    {
        suite ??= CryptoSuites.P256Sha256;
        Suite = suite;
        admin = suite.GenerateKeyPair();
        admin2 = suite.GenerateKeyPair();
        PlatformOld = suite.GenerateKeyPair();
        PlatformNew = suite.GenerateKeyPair();
        for (var i = 1; i <= 4; i++)
        {
            nodeKeys[$"node-{i}"] = suite.GenerateKeyPair();
        }

        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 100,
            Members = [Member("admin", "admin", admin), Member("admin2", "admin", admin2), Member("platform", "platform", PlatformOld)],
            Nodes = [.. Enumerable.Range(1, 3).Select(i => new GenesisNode { Id = $"node-{i}", Address = $"https://127.0.0.1:{7050 + i}", Key = Key(nodeKeys[$"node-{i}"]) })],
        };
        GenesisBytes = Encoding.UTF8.GetBytes(genesis.ToJson());
        Genesis = ConsortiumGenesis.Parse(GenesisBytes);
        var options = new RegistryOptions(suite.Hash);
        RegistryGenesis.Initialize(state, Genesis, options);
        applier = new RegistryApplier(options);
        log = new MemoryMerkleTree(new MerkleHasher(suite.Hash), 1024);

        AppendBlock([Anchor(PlatformOld, "one")], "node-1", "node-2", "node-3");
        var remove = Sign(admin, TransactionType.ProposeChange, new ProposeChange { RemoveNode = new RemoveNode { NodeId = "node-3" }, Rationale = "key compromised" });
        AppendBlock([remove, Sign(admin2, TransactionType.Vote, new Vote { ProposalId = Hash(remove), Approve = true })], "node-1", "node-2", "node-3");
        var add = Sign(admin, TransactionType.ProposeChange, new ProposeChange { AddNode = new AddNode { NodeId = "node-4", Address = "https://127.0.0.1:7054", Key = MemberKey(nodeKeys["node-4"]) } });
        AppendBlock([add], "node-1", "node-2");
        var rotate = Sign(admin, TransactionType.ProposeChange, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = "platform", OldKeyId = ByteString.CopyFrom(PlatformOld.KeyId.Bytes), NewKey = MemberKey(PlatformNew) } });
        AppendBlock([Sign(admin2, TransactionType.Vote, new Vote { ProposalId = Hash(add), Approve = true }), rotate, Sign(admin2, TransactionType.Vote, new Vote { ProposalId = Hash(rotate), Approve = true })], "node-1", "node-2");
        NewKeyAnchor = Anchor(PlatformNew, "signed with the rotated key");
        AppendBlock([Anchor(PlatformOld, "old key after rotation"), NewKeyAnchor], "node-1", "node-2", "node-4");
    }

    public ICryptoSuite Suite { get; }

    public byte[] GenesisBytes { get; }

    public ConsortiumGenesis Genesis { get; }

    public KeyPair PlatformOld { get; }

    public KeyPair PlatformNew { get; }

    /// <summary>Block 5, position 1: signed with platform's key added in block 4.</summary>
    public SignedTransaction NewKeyAnchor { get; }

    public IReadOnlyList<Block> Blocks => blocks;

    /// <summary>The global log after the last block.</summary>
    public MemoryMerkleTree Log => log;

    /// <summary>Attestations per height (index 0 = block 1).</summary>
    public List<List<Attestation>> Attestations { get; } = [];

    public KeyPair NodeKey(string nodeId) => nodeKeys[nodeId];

    public Attestation Attest(string nodeId, KeyPair key, ulong height) => BlockAttestations.Sign(key, nodeId, blocks[(int)height - 1].Header, Suite.Hash);

    /// <summary>Writes blocks and attestations into a node data directory, as a stopped node would leave it.</summary>
    public void WriteStore(string dataDirectory)
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = dataDirectory, ChainId = ChainId, SyncWrites = false, BlockCacheBytes = 8UL * 1024 * 1024 });
        var store = new BlockStore(database, StoreReader.Hashing(Genesis));
        var attestationStore = new AttestationStore(database);
        ulong raftIndex = 10;
        for (var i = 0; i < blocks.Count; i++)
        {
            store.Append(blocks[i], ++raftIndex);
            foreach (var attestation in Attestations[i])
            {
                attestationStore.Put(attestation);
            }

            attestationStore.MarkCertified(blocks[i].Header.Height);
        }
    }

    /// <summary>The bundle for <see cref="NewKeyAnchor"/> carrying every governance transaction before it.</summary>
    public EvidenceBundle NewKeyBundle(bool withGovernance = true)
    {
        var block = blocks[4];
        var header = block.Header;
        var changes = new List<GovernanceChangeEvidence>();
        for (var b = 0; b < blocks.Count; b++)
        {
            for (var i = 0; i < blocks[b].Transactions.Count; i++)
            {
                var type = TransactionEnvelope.Parser.ParseFrom(blocks[b].Transactions[i].Envelope).Type;
                if (type is TransactionType.ProposeChange or TransactionType.Vote && blocks[b].Results[i].Code == ResultCode.Ok)
                {
                    changes.Add(new GovernanceChangeEvidence
                    {
                        Transaction = blocks[b].Transactions[i],
                        Result = blocks[b].Results[i],
                        BlockHeight = (ulong)b + 1,
                        Position = (uint)i,
                        LogInclusion = Proof(LeafIndex(b, i), header.LogSize),
                    });
                }
            }
        }

        var certified = new CertifiedHeader { Header = header };
        certified.Attestations.AddRange(Attestations[4]);
        return new EvidenceBundle
        {
            Transaction = NewKeyAnchor,
            TransactionHash = TransactionHashing.ComputeHash(Suite.Hash, NewKeyAnchor),
            Result = block.Results[1],
            BlockHeight = header.Height,
            Position = 1,
            LogInclusion = Proof(LeafIndex(4, 1), header.LogSize),
            CertifiedHeader = certified,
            Genesis = GenesisBytes,
            GovernanceChanges = withGovernance ? changes : [],
            NodeSetAnchors = withGovernance ? AnchorsFor(header) : [],
        };
    }

    /// <summary>Blocks 2 (removes node-3) and 4 (adds node-4), each certified by the nodes before it, with the consistency proof to <paramref name="header"/>'s log.</summary>
    public IReadOnlyList<NodeSetAnchorEvidence> AnchorsFor(BlockHeader header) => [.. new[] { 2, 4 }.Select(height =>
    {
        var anchorHeader = blocks[height - 1].Header;
        var certified = new CertifiedHeader { Header = anchorHeader };
        certified.Attestations.AddRange(Attestations[height - 1]);
        return new NodeSetAnchorEvidence(certified, log.BuildConsistencyProof(anchorHeader.LogSize, header.LogSize));
    })];

    private ulong LeafIndex(int blockIndex, int position) => LogLeafIndex.Get(blocks[blockIndex].Header, (uint)position);

    private InclusionProof Proof(ulong leafIndex, ulong treeSize)
    {
        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = treeSize };
        proof.Path.AddRange(log.BuildInclusionProof(leafIndex, treeSize).Select(ByteString.CopyFrom));
        return proof;
    }

    /// <summary>
    /// Appends a block holding an anchor of the platform whose signature is the admin's (a leader put it
    /// into the log past its door): the rules record it as rejected, the chain stays whole.
    /// </summary>
    public void AppendForgedAnchor()
    {
        var genuine = Anchor(PlatformNew, "forged");
        var forged = new SignedTransaction
        {
            Envelope = genuine.Envelope,
            Signature = ByteString.CopyFrom(SigningInput.Sign(admin, SigningContexts.TransactionSignature, ChainId, genuine.Envelope.Span)),
        };
        AppendBlock([forged], "node-1", "node-2", "node-4");
    }

    private void AppendBlock(List<SignedTransaction> transactions, params string[] attesters)
    {
        var height = (ulong)blocks.Count + 1;
        var registryTransactions = transactions.Select(t => new RegistryTransaction(TransactionHashing.ComputeHash(Suite.Hash, t), TransactionEnvelope.Parser.ParseFrom(t.Envelope), t)).ToList();
        var application = applier.ApplyBlock(state, new BlockContext(ChainId, height, 1_764_000_000_000 + ((long)height * 1000)), registryTransactions);
        state.Apply(application.Writes);
        var txTree = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 64);
        var block = new Block();
        for (var i = 0; i < transactions.Count; i++)
        {
            var result = application.Outcomes[i].ToProto();
            var leafHash = LogLeaf.MerkleLeafHash(registryTransactions[i].TxHash, result, Suite.Hash);
            txTree.AppendLeafHash(leafHash);
            log.AppendLeafHash(leafHash);
            block.Transactions.Add(transactions[i]);
            block.Results.Add(result);
        }

        block.Header = new BlockHeader
        {
            ChainId = ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(blocks.Count == 0 ? new byte[Suite.Hash.HashSizeBytes] : BlockHash.Compute(blocks[^1].Header, Suite.Hash)),
            TxRoot = ByteString.CopyFrom(txTree.ComputeRoot()),
            LogSize = log.Size,
            LogRoot = ByteString.CopyFrom(log.ComputeRoot()),
            StateRoot = ByteString.CopyFrom(application.StateRoot),
            TimestampUnixMs = 1_764_000_000_000 + ((long)height * 1000),
            ProposerNodeId = "node-1",
            RaftTerm = 1,
            RaftIndex = 10 + height,
            TxCount = (uint)transactions.Count,
        };
        blocks.Add(block);
        Attestations.Add([.. attesters.Select(id => BlockAttestations.Sign(nodeKeys[id], id, block.Header, Suite.Hash))]);
    }

    private SignedTransaction Anchor(KeyPair signer, string text) => Sign(signer, TransactionType.Anchor, ByteString.CopyFromUtf8(text));

    private SignedTransaction Sign(KeyPair signer, TransactionType type, IMessage body) => Sign(signer, type, body.ToByteString());

    private SignedTransaction Sign(KeyPair signer, TransactionType type, ByteString body) =>
        TransactionSigning.Sign(signer, new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = ++nonce,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
            CreatedUnixMs = 1_764_000_000_000,
        });

    private ByteString Hash(SignedTransaction transaction) => ByteString.CopyFrom(TransactionHashing.ComputeHash(Suite.Hash, transaction));

    private static MemberPublicKey MemberKey(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = ByteString.CopyFrom(key.Public.ToArray()) };

    private static GenesisMember Member(string id, string role, KeyPair key) => new() { Id = id, Name = id, Role = role, Keys = [Key(key)] };

    private static GenesisKey Key(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() };
}
