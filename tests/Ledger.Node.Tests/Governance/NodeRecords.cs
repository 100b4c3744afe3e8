using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Registry.State;

namespace Ledger.Node.Tests.Governance;

/// <summary>A registry state holding hand-made node records, for directory and plan tests.</summary>
internal sealed class NodeRecords
{
    private readonly MemoryRegistryState state = new();

    public IRegistryStateReader State => state;

    public Dictionary<string, KeyPair> Keys { get; } = new(StringComparer.Ordinal);

    public NodeRecords WithGovernance(string[] activeNodeIds)
    {
        var governance = new GovernanceRecord { ChainId = "test-chain", ActiveNodeIds = { activeNodeIds } };
        state.Apply([new StateWrite(StateKeys.Governance(), governance.ToByteArray())]);
        return this;
    }

    public NodeRecords Add(string nodeId, ulong addedAtHeight, ulong? removedAtHeight = null)
    {
        var key = CryptoSuites.P256Sha256.GenerateKeyPair();
        Keys[nodeId] = key;
        return Add(nodeId, GovernanceTransactionFactory.PublicKeyOf(key), key.KeyId.Bytes.ToArray(), addedAtHeight, removedAtHeight);
    }

    /// <summary>A node recorded with exactly <paramref name="storedKey"/>, valid or not (a record from before the key rules).</summary>
    public NodeRecords Add(string nodeId, MemberPublicKey storedKey, byte[] keyId, ulong addedAtHeight, ulong? removedAtHeight = null)
    {
        var record = new NodeRecord
        {
            NodeId = nodeId,
            Address = $"https://{nodeId}:7000",
            Key = storedKey,
            KeyId = ByteString.CopyFrom(keyId),
            Active = removedAtHeight is null,
            AddedAt = new ChainPosition { Height = addedAtHeight, Index = addedAtHeight == 0 ? 0u : 1u },
            RemovedAt = removedAtHeight is { } removed ? new ChainPosition { Height = removed, Index = 1 } : null,
        };
        state.Apply([new StateWrite(StateKeys.Node(nodeId), record.ToByteArray())]);
        return this;
    }
}
