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

namespace Ledger.Client.Tests.Receipts;

/// <summary>
/// A chain made up from nothing but a genuine genesis and one outsider's keys: block 1 records,
/// as "executed", governance changes that add the outsider's node and member and remove every
/// genesis node; block 2 holds the outsider's anchor, "certified" by the outsider's node alone.
/// No admin signed anything; every proof is valid against the made-up log.
/// </summary>
public sealed class FabricatedChain
{
    private readonly MemoryMerkleTree log;
    private readonly List<(SignedTransaction Transaction, TransactionResult Result, ulong Height, uint Position)> governance = [];

    public FabricatedChain(ConsortiumGenesis genesis, byte[] genesisBytes)
    {
        Genesis = genesis;
        GenesisBytes = genesisBytes;
        var suite = CryptoSuites.Get(genesis.Suite);
        Suite = suite;
        OutsiderNode = suite.GenerateKeyPair();
        OutsiderMember = suite.GenerateKeyPair();
        log = new MemoryMerkleTree(new MerkleHasher(suite.Hash), 64);
        var executed = new TransactionResult { Code = ResultCode.Ok, Reason = "proposal" + ConsortiumState.ExecutedMarker + "1 approval" };
        var changes = new List<ProposeChange>
        {
            new() { AddNode = new AddNode { NodeId = "outsider-node", Address = "https://198.51.100.7:7051", Key = Key(OutsiderNode) } },
            new() { AddMember = new AddMember { MemberId = "outsider", DisplayName = "outsider", Role = MemberRole.Platform, Keys = { Key(OutsiderMember) } } },
        };
        changes.AddRange(genesis.Nodes.Select(n => new ProposeChange { RemoveNode = new RemoveNode { NodeId = n.Id } }));
        var block1 = changes.Select((c, i) => (Sign(TransactionType.ProposeChange, c.ToByteString(), (ulong)i + 1), executed)).ToList();
        for (var i = 0; i < block1.Count; i++)
        {
            governance.Add((block1[i].Item1, block1[i].executed, 1, (uint)i));
        }

        var block1Header = Append(1, new byte[suite.Hash.HashSizeBytes], block1);
        Target = Sign(TransactionType.Anchor, ByteString.CopyFromUtf8("registered long before anyone else"), 100);
        TargetResult = new TransactionResult { Code = ResultCode.Ok };
        var header = Append(2, BlockHash.Compute(block1Header, suite.Hash), [(Target, TargetResult)]);
        Certified = new CertifiedHeader { Header = header };
        Certified.Attestations.Add(BlockAttestations.Sign(OutsiderNode, "outsider-node", header, suite.Hash));
        Block1 = block1Header;
    }

    public ConsortiumGenesis Genesis { get; }

    public byte[] GenesisBytes { get; }

    public ICryptoSuite Suite { get; }

    public KeyPair OutsiderNode { get; }

    public KeyPair OutsiderMember { get; }

    public BlockHeader Block1 { get; }

    public CertifiedHeader Certified { get; }

    public SignedTransaction Target { get; }

    public TransactionResult TargetResult { get; }

    public MemoryMerkleTree Log => log;

    public InclusionProof TargetProof => Proof(LogLeafIndex.Get(Certified.Header, 0));

    public byte[] TargetLeafHash => LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(Suite.Hash, Target), TargetResult, Suite.Hash);

    public IReadOnlyList<GovernanceChangeEvidence> Changes => [.. governance.Select((g, i) => new GovernanceChangeEvidence
    {
        Transaction = g.Transaction,
        Result = g.Result,
        BlockHeight = g.Height,
        Position = g.Position,
        LogInclusion = Proof((ulong)i),
    })];

    /// <summary>The made-up chain as an evidence bundle for <see cref="Target"/>, with the genuine genesis.</summary>
    public EvidenceBundle Bundle() => new()
    {
        Transaction = Target,
        TransactionHash = TransactionHashing.ComputeHash(Suite.Hash, Target),
        Result = TargetResult,
        BlockHeight = 2,
        Position = 0,
        LogInclusion = TargetProof,
        CertifiedHeader = Certified,
        Genesis = GenesisBytes,
        GovernanceChanges = Changes,
    };

    private InclusionProof Proof(ulong leafIndex)
    {
        var proof = new InclusionProof { LeafIndex = leafIndex, TreeSize = log.Size };
        proof.Path.AddRange(log.BuildInclusionProof(leafIndex, log.Size).Select(ByteString.CopyFrom));
        return proof;
    }

    private BlockHeader Append(ulong height, byte[] previousHash, List<(SignedTransaction Transaction, TransactionResult Result)> transactions)
    {
        var txTree = new MemoryMerkleTree(new MerkleHasher(Suite.Hash), 64);
        foreach (var (transaction, result) in transactions)
        {
            var leaf = LogLeaf.MerkleLeafHash(TransactionHashing.ComputeHash(Suite.Hash, transaction), result, Suite.Hash);
            txTree.AppendLeafHash(leaf);
            log.AppendLeafHash(leaf);
        }

        return new BlockHeader
        {
            ChainId = Genesis.ChainId,
            Height = height,
            PrevBlockHash = ByteString.CopyFrom(previousHash),
            TxRoot = ByteString.CopyFrom(txTree.ComputeRoot()),
            LogSize = log.Size,
            LogRoot = ByteString.CopyFrom(log.ComputeRoot()),
            TimestampUnixMs = 1_600_000_000_000 + ((long)height * 1000),
            ProposerNodeId = "outsider-node",
            RaftTerm = 1,
            RaftIndex = height,
            TxCount = (uint)transactions.Count,
        };
    }

    private SignedTransaction Sign(TransactionType type, ByteString body, ulong nonce) =>
        TransactionSigning.Sign(OutsiderMember, new TransactionEnvelope
        {
            ChainId = Genesis.ChainId,
            Nonce = nonce,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(OutsiderMember.KeyId.Bytes),
            Suite = OutsiderMember.Suite.Name,
            CreatedUnixMs = 1_600_000_000_000,
        });

    private static MemberPublicKey Key(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = ByteString.CopyFrom(key.Public.ToArray()) };
}
