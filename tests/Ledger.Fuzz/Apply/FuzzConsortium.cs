using System.Security.Cryptography;
using System.Text;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Node.Chain;

namespace Ledger.Fuzz.Apply;

/// <summary>
/// A consortium generated from the seed, with real keys: three admins (a majority of two passes a
/// proposal), a platform, a court, two rights holders, an auditor and three nodes. Keys are derived
/// from the seed, so a run is reproducible; the chain context is the node's own (genesis bytes in).
/// </summary>
internal sealed class FuzzConsortium
{
    public const string ChainId = "fuzz-chain";

    public static readonly (string Id, string Role)[] Founders =
    [
        ("admin-1", "admin"), ("admin-2", "admin"), ("admin-3", "admin"),
        ("platform-1", "platform"), ("court-1", "court"),
        ("alice", "rights_holder"), ("bob", "rights_holder"), ("auditor-1", "auditor"),
    ];

    public FuzzConsortium(long seed, ICryptoSuite suite)
    {
        Suite = suite;
        Seed = seed;
        foreach (var (id, _) in Founders)
        {
            Keys[id] = KeyOf(id, 0);
        }

        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 50,
            Members = [.. Founders.Select(f => new GenesisMember { Id = f.Id, Name = f.Id, Role = f.Role, Keys = [GenesisKeyOf(Keys[f.Id])] })],
            Nodes = [.. Enumerable.Range(1, 3).Select(i => new GenesisNode { Id = $"node-{i}", Address = $"https://127.0.0.1:{7400 + i}", Key = GenesisKeyOf(KeyOf($"node-{i}", 0)) })],
        };
        Genesis = genesis;
        Chain = new ChainContext(Encoding.UTF8.GetBytes(genesis.ToJson()));
    }

    public long Seed { get; }

    public ICryptoSuite Suite { get; }

    public ConsortiumGenesis Genesis { get; }

    public ChainContext Chain { get; }

    /// <summary>The current signing key of each member the fuzzer can sign for (founders, and members it added).</summary>
    public Dictionary<string, KeyPair> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>A key derived from the seed, the owner's name and a generation (deterministic, valid for the suite).</summary>
    public KeyPair KeyOf(string owner, int generation)
    {
        var scalar = SHA256.HashData(Encoding.UTF8.GetBytes($"fuzz/{Seed}/{owner}/{generation}"));
        // Keeps a P-256/SM2 scalar well inside [1, n-2].
        scalar[0] &= 0x7F;
        scalar[^1] |= 1;
        return Suite.ImportPrivateKey(scalar);
    }

    private static GenesisKey GenesisKeyOf(KeyPair key) => new() { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() };
}
