using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;

namespace Ledger.Core.Checkpoints;

/// <summary>A node whose signature counts toward a checkpoint's quorum.</summary>
public sealed record CheckpointNode(string NodeId, PublicKey PublicKey);

/// <summary>A registered witness: its cosignature key name and Ed25519 public key.</summary>
public sealed record CheckpointWitness(string Name, PublicKey PublicKey)
{
    public CheckpointWitness Validated()
    {
        Cosignature.RequireEd25519(PublicKey.Suite);
        if (!NoteSignature.IsValidKeyName(Name))
        {
            throw new ArgumentException($"witness name '{Name}' is not a valid note key name (no spaces or '+')");
        }

        return this;
    }
}

/// <summary>
/// What a checkpoint is checked against: the expected origin, the node set in force (a strict
/// majority must sign) and the registered witnesses.
/// </summary>
public sealed class CheckpointTrust
{
    public CheckpointTrust(string origin, IEnumerable<CheckpointNode> nodes, IEnumerable<CheckpointWitness> witnesses)
    {
        ArgumentNullException.ThrowIfNull(origin);
        Checkpoint.CheckOrigin(origin);
        Origin = origin;
        Nodes = nodes.ToArray();
        Witnesses = witnesses.Select(w => w.Validated()).ToArray();
        if (Nodes.Count == 0)
        {
            throw new ArgumentException("a checkpoint trust needs at least one node", nameof(nodes));
        }

        if (Nodes.Select(n => n.NodeId).Distinct(StringComparer.Ordinal).Count() != Nodes.Count)
        {
            throw new ArgumentException("node ids repeat", nameof(nodes));
        }
    }

    public string Origin { get; }

    public IReadOnlyList<CheckpointNode> Nodes { get; }

    public IReadOnlyList<CheckpointWitness> Witnesses { get; }

    /// <summary>Distinct node signatures needed: ⌊n/2⌋ + 1, the same majority that certifies headers.</summary>
    public int Quorum => (Nodes.Count / 2) + 1;

    /// <summary>The genesis node set and the genesis members with role "witness" (key name = member id).</summary>
    public static CheckpointTrust FromGenesis(ConsortiumGenesis genesis)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var witnesses = genesis.Members
            .Where(m => m.Role == WitnessRole.Name)
            .SelectMany(m => m.Keys.Where(k => WitnessRole.AcceptsKeySuite(k.Suite)).Select(k => new CheckpointWitness(m.Id, CryptoSuites.Get(k.Suite).DecodePublicKey(k.PublicKey))));
        return FromGenesis(genesis, witnesses);
    }

    /// <summary>The node set and registered witnesses of a replayed consortium state.</summary>
    public static CheckpointTrust FromConsortium(ConsortiumState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return FromConsortium(state, state.Witnesses.Select(w => new CheckpointWitness(w.MemberId, w.PublicKey)));
    }

    /// <summary>The genesis node set (no governance changes applied).</summary>
    public static CheckpointTrust FromGenesis(ConsortiumGenesis genesis, IEnumerable<CheckpointWitness> witnesses)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        var nodes = genesis.Nodes.Select(n => new CheckpointNode(n.Id, CryptoSuites.Get(n.Key.Suite).DecodePublicKey(n.Key.PublicKey)));
        return new CheckpointTrust(CheckpointOrigin.For(genesis), nodes, witnesses);
    }

    /// <summary>The node set of a replayed consortium state (genesis plus executed governance changes).</summary>
    public static CheckpointTrust FromConsortium(ConsortiumState state, IEnumerable<CheckpointWitness> witnesses)
    {
        ArgumentNullException.ThrowIfNull(state);
        var nodes = state.ActiveNodes.Values.Select(n => new CheckpointNode(n.NodeId, n.PublicKey));
        return new CheckpointTrust(CheckpointOrigin.For(state.ChainId), nodes, witnesses);
    }
}
