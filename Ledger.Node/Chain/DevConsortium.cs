using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Registry.Genesis;

namespace Ledger.Node.Chain;

/// <summary>
/// The zero-configuration development consortium: one node and one member per role, all keys
/// generated locally on first start and kept under <c>&lt;data&gt;/dev</c>. Never for production:
/// the private keys sit unencrypted next to the data. The members sign with the chain's suite
/// (p256-sha256); the witness <see cref="WitnessId"/> holds an Ed25519 key, as cosignature/v1
/// requires, so <c>ledger witness run --key &lt;data&gt;/dev/dev-witness.key.json</c> works as is.
/// </summary>
public static class DevConsortium
{
    public const string ChainId = "dev-ledger";
    public const string NodeId = "node-1";
    public const string DirectoryName = "dev";

    public static readonly IReadOnlyList<(string MemberId, string Role)> Members =
    [
        ("dev-admin", "admin"),
        ("dev-platform", "platform"),
        ("dev-court", "court"),
        ("dev-rights-holder", "rights_holder"),
        ("dev-auditor", "auditor"),
        (WitnessId, WitnessRole.Name),
    ];

    /// <summary>The dev checkpoint witness; its key file is <c>dev-witness.key.json</c>.</summary>
    public const string WitnessId = "dev-witness";

    public static string GenesisPath(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName, "genesis.json");

    public static string NodeKeyPath(string dataDirectory) => Path.Combine(dataDirectory, DirectoryName, $"{NodeId}.key.json");

    public static string MemberKeyPath(string dataDirectory, string memberId) => Path.Combine(dataDirectory, DirectoryName, $"{memberId}.key.json");

    /// <summary>Creates the dev consortium unless it exists; returns true when it was created now.</summary>
    public static bool EnsureCreated(string dataDirectory, string peerAddress)
    {
        var genesisPath = GenesisPath(dataDirectory);
        if (File.Exists(genesisPath))
        {
            return false;
        }

        var directory = Path.GetDirectoryName(genesisPath)!;
        Directory.CreateDirectory(directory);
        var suite = CryptoSuites.P256Sha256;
        var members = new List<GenesisMember>();
        foreach (var (memberId, role) in Members)
        {
            var key = (role == WitnessRole.Name ? CryptoSuites.Get(WitnessRole.KeySuite) : suite).GenerateKeyPair();
            WritePrivate(MemberKeyPath(dataDirectory, memberId), KeyFile.Export(key));
            members.Add(new GenesisMember
            {
                Id = memberId,
                Name = $"Development {role}",
                Role = role,
                Keys = [new GenesisKey { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() }],
            });
        }

        var nodeKey = suite.GenerateKeyPair();
        WritePrivate(NodeKeyPath(dataDirectory), KeyFile.Export(nodeKey));
        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = ChainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 10_000,
            Members = members,
            Nodes = [new GenesisNode { Id = NodeId, Address = peerAddress, Key = new GenesisKey { Suite = suite.Name, PublicKey = nodeKey.Public.ToArray() } }],
        };

        // Written last and atomically: its presence means the whole dev consortium exists.
        var temporary = genesisPath + ".tmp";
        File.WriteAllText(temporary, genesis.ToJson() + "\n");
        File.Move(temporary, genesisPath, overwrite: true);
        return true;
    }

    private static void WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
