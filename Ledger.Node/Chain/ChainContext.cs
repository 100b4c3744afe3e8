using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Registry;
using Ledger.Registry.Genesis;

namespace Ledger.Node.Chain;

/// <summary>
/// What a node knows about its chain from the genesis file: chain id, suite, the founding nodes
/// (their Raft ids and attestation keys) and the registry's options. Immutable. The founders fix
/// only the Raft membership at index 1; the nodes of today come from the registry
/// (<see cref="Governance.NodeDirectory"/>).
/// </summary>
public sealed class ChainContext
{
    private readonly Dictionary<string, ConsortiumNode> nodesById;
    private readonly Dictionary<ulong, ConsortiumNode> nodesByRaftId;

    public ChainContext(byte[] genesisBytes)
    {
        ArgumentNullException.ThrowIfNull(genesisBytes);
        GenesisBytes = genesisBytes;
        Genesis = ConsortiumGenesis.Parse(genesisBytes);
        Suite = CryptoSuites.Get(Genesis.Suite);
        Hash = Suite.Hash;
        RegistryOptions = new RegistryOptions(Hash, (suite, publicKey) => CryptoSuites.Get(suite).DeriveKeyId(publicKey).ToArray());
        nodesById = new Dictionary<string, ConsortiumNode>(StringComparer.Ordinal);
        nodesByRaftId = [];
        foreach (var node in Genesis.Nodes)
        {
            var raftId = RaftNodeIds.Of(node.Id);
            var key = CryptoSuites.Get(node.Key.Suite).DecodePublicKey(node.Key.PublicKey);
            var entry = new ConsortiumNode(node.Id, raftId, node.Address, key);
            if (!nodesByRaftId.TryAdd(raftId, entry))
            {
                throw new GenesisFormatException($"genesis nodes '{node.Id}' and '{nodesByRaftId[raftId].NodeId}' map to the same Raft id; rename one");
            }

            nodesById.Add(node.Id, entry);
        }

        GenesisHash = new byte[Hash.HashSizeBytes];
        Hash.Hash(genesisBytes, GenesisHash);
        GenesisSha256 = System.Security.Cryptography.SHA256.HashData(genesisBytes);
    }

    public ConsortiumGenesis Genesis { get; }

    /// <summary>The genesis file exactly as read; its hash anchors block 1.</summary>
    public byte[] GenesisBytes { get; }

    public byte[] GenesisHash { get; }

    /// <summary>SHA-256 of the genesis file's bytes whatever the suite (what <c>sha256sum genesis.json</c> prints): the data directory is bound to it.</summary>
    public byte[] GenesisSha256 { get; }

    public string ChainId => Genesis.ChainId;

    public ICryptoSuite Suite { get; }

    public IHashAlgorithm Hash { get; }

    public RegistryOptions RegistryOptions { get; }

    public IReadOnlyCollection<ConsortiumNode> FoundingNodes => nodesById.Values;

    public ConsortiumNode? FindNode(string nodeId) => nodesById.GetValueOrDefault(nodeId);

    public ConsortiumNode? FindNode(ulong raftId) => nodesByRaftId.GetValueOrDefault(raftId);

    public static ChainContext Load(string genesisPath) => new(File.ReadAllBytes(genesisPath));
}

/// <summary>A consortium node: its name, Raft id, peer address and attestation key.</summary>
public sealed record ConsortiumNode(string NodeId, ulong RaftId, string Address, PublicKey AttestationKey);
