using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Cluster.Tests.Support;

/// <summary>A consortium made for one test: genesis, node keys, member keys and free loopback ports, in a temp directory.</summary>
public sealed class TestConsortium : IDisposable
{
    private long nextNonce = 1;

    public TestConsortium(int nodeCount, string chainId = "cluster-test-chain")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ledger-cluster-test-").FullName;
        ChainId = chainId;
        var suite = CryptoSuites.P256Sha256;
        Platform = suite.GenerateKeyPair();
        var court = suite.GenerateKeyPair();
        var admin = suite.GenerateKeyPair();
        var nodes = new List<GenesisNode>();
        for (var i = 1; i <= nodeCount; i++)
        {
            var key = suite.GenerateKeyPair();
            var node = new TestNodeConfig($"node-{i}", FreePort(), FreePort(), Path.Combine(Directory, $"node-{i}"));
            Nodes.Add(node);
            File.WriteAllText(KeyPathFor(node), KeyFile.Export(key));
            nodes.Add(new GenesisNode { Id = node.NodeId, Address = node.PeerUrl, Key = new GenesisKey { Suite = suite.Name, PublicKey = key.Public.ToArray() } });
        }

        var genesis = new ConsortiumGenesis
        {
            FormatVersion = ConsortiumGenesis.CurrentFormatVersion,
            ChainId = chainId,
            Suite = suite.Name,
            ProposalExpiryBlocks = 1000,
            Members =
            [
                Member("admin-1", "admin", admin),
                Member("platform-1", "platform", Platform),
                Member("court-1", "court", court),
            ],
            Nodes = nodes,
        };
        GenesisPath = Path.Combine(Directory, "genesis.json");
        File.WriteAllText(GenesisPath, genesis.ToJson());
    }

    public string Directory { get; }

    public string ChainId { get; }

    public string GenesisPath { get; }

    public KeyPair Platform { get; }

    public List<TestNodeConfig> Nodes { get; } = [];

    /// <summary>Command-line arguments that start node <paramref name="index"/> (0-based) of this consortium, plus <paramref name="extra"/> settings.</summary>
    public string[] ArgumentsFor(int index, IReadOnlyList<string> extra)
    {
        var node = Nodes[index];
        var args = new List<string>
        {
            "--node-id", node.NodeId,
            "--data-dir", node.DataDirectory,
            "--genesis", GenesisPath,
            "--node-key", KeyPathFor(node),
            "--public-url", node.PublicUrl,
            "--peer-url", node.PeerUrl,
            "--Node:TickMilliseconds=20",
            "--Node:ElectionTicks=10",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(extra);
        return [.. args];
    }

    /// <summary>A signed RegisterWork of fresh random content by the platform member, with a nonce never used before in this consortium.</summary>
    public SignedTransaction RegisterWork()
    {
        var body = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            MediaType = MediaType.Image,
            Title = "cluster test work",
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
        };
        var envelope = new TransactionEnvelope
        {
            ChainId = ChainId,
            Nonce = (ulong)Interlocked.Increment(ref nextNonce),
            Type = TransactionType.RegisterWork,
            Body = body.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(Platform.KeyId.Bytes),
            Suite = Platform.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(Platform, SigningContexts.TransactionSignature, envelope.ChainId, envelopeBytes);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string KeyPathFor(TestNodeConfig node) => Path.Combine(Directory, $"{node.NodeId}.key.json");

    private static GenesisMember Member(string id, string role, KeyPair key) =>
        new() { Id = id, Role = role, Keys = [new GenesisKey { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() }] };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record TestNodeConfig(string NodeId, int PublicPort, int PeerPort, string DataDirectory)
{
    public string PublicUrl => $"http://127.0.0.1:{PublicPort}";

    public string PeerUrl => $"http://127.0.0.1:{PeerPort}";
}
