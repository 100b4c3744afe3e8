using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Node.Tests.Support;

/// <summary>A consortium made for one test: genesis, node keys, member keys and free loopback ports, in a temp directory.
/// Shared by Ledger.Node.Tests (in-process nodes) and Ledger.Cluster.Tests (node processes), which links this file.</summary>
public sealed class TestConsortium : IDisposable
{
    private long nextNonce = 1;
    private readonly ConsortiumCertificateAuthority? authority;

    /// <param name="suite">The consortium's crypto suite (members' and nodes' keys; the witness keeps Ed25519).</param>
    public TestConsortium(int nodeCount, string chainId = "test-chain", bool withTls = false, string suite = CryptoSuites.P256Sha256Name)
        : this(nodeCount, chainId, withTls, CryptoSuites.Get(suite))
    {
    }

    private TestConsortium(int nodeCount, string chainId, bool withTls, ICryptoSuite suite)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ledger-node-test-").FullName;
        ChainId = chainId;
        Suite = suite;
        Platform = suite.GenerateKeyPair();
        Court = suite.GenerateKeyPair();
        Admin = suite.GenerateKeyPair();
        Witness = CryptoSuites.Ed25519.GenerateKeyPair();
        var nodes = new List<GenesisNode>();
        for (var i = 1; i <= nodeCount; i++)
        {
            var key = suite.GenerateKeyPair();
            var node = new TestNodeConfig($"node-{i}", key, FreePort(), FreePort(), Path.Combine(Directory, $"node-{i}"), withTls ? "https" : "http");
            Nodes.Add(node);
            File.WriteAllText(Path.Combine(Directory, $"node-{i}.key.json"), KeyFile.Export(key));
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
                Member("admin-1", "admin", Admin),
                Member("platform-1", "platform", Platform),
                Member("court-1", "court", Court),
                Member(WitnessId, WitnessRole.Name, Witness),
            ],
            Nodes = nodes,
        };
        GenesisPath = Path.Combine(Directory, "genesis.json");
        File.WriteAllText(GenesisPath, genesis.ToJson());
        if (withTls)
        {
            var now = DateTimeOffset.UtcNow;
            // Kept to issue certificates to nodes that join later (CreateJoiningNode).
            authority = ConsortiumCertificateAuthority.Create("test", now.AddDays(-1), TimeSpan.FromDays(30));
            CaPath = Path.Combine(Directory, "ca.pem");
            File.WriteAllText(CaPath, ConsortiumCertificateAuthority.ExportCertificatePem(authority.Certificate));
            foreach (var node in Nodes)
            {
                using var certificate = authority.IssueNodeCertificate(node.NodeId, ["localhost"], [IPAddress.Loopback], now.AddDays(-1), TimeSpan.FromDays(10));
                File.WriteAllText(Path.Combine(Directory, $"{node.NodeId}.cert.pem"), ConsortiumCertificateAuthority.ExportCertificatePem(certificate));
                File.WriteAllText(Path.Combine(Directory, $"{node.NodeId}.key.pem"), ConsortiumCertificateAuthority.ExportPrivateKeyPem(certificate));
            }
        }
    }

    public string Directory { get; }

    /// <summary>The consortium CA when made with TLS (to issue or renew node certificates); null otherwise.</summary>
    public ConsortiumCertificateAuthority? CertificateAuthority => authority;

    public ICryptoSuite Suite { get; }

    public string ChainId { get; }

    public string GenesisPath { get; }

    public string? CaPath { get; }

    public KeyPair Platform { get; }

    public KeyPair Court { get; }

    public KeyPair Admin { get; }

    /// <summary>The checkpoint witness registered in genesis (Ed25519 in this p256 consortium); its cosignature key name is <see cref="WitnessId"/>.</summary>
    public KeyPair Witness { get; }

    public const string WitnessId = "witness-1";

    public List<TestNodeConfig> Nodes { get; } = [];

    /// <summary>Command-line arguments that start node <paramref name="index"/> (0-based) of this consortium, plus <paramref name="extra"/> settings.</summary>
    public string[] ArgumentsFor(int index, IReadOnlyList<string>? extra = null)
    {
        var node = Nodes[index];
        var args = new List<string>
        {
            "--node-id", node.NodeId,
            "--data-dir", node.DataDirectory,
            "--genesis", GenesisPath,
            "--node-key", Path.Combine(Directory, $"{node.NodeId}.key.json"),
            "--public-url", node.PublicUrl,
            "--peer-url", node.PeerUrl,
            "--Node:TickMilliseconds=20",
            "--Node:ElectionTicks=10",
            "--Logging:LogLevel:Default=Warning",
        };
        if (CaPath is null && Nodes.Count > 1)
        {
            // A plaintext consortium of several nodes is refused at start-up unless allowed explicitly.
            args.Add("--insecure-plaintext-peers");
        }

        if (CaPath is not null)
        {
            args.AddRange(["--tls-ca", CaPath, "--tls-cert", Path.Combine(Directory, $"{node.NodeId}.cert.pem"), "--tls-key", Path.Combine(Directory, $"{node.NodeId}.key.pem")]);
        }

        args.AddRange(extra ?? []);

        return [.. args];
    }

    /// <summary>
    /// A node outside genesis, to be added by governance: its key file, ports and data directory and,
    /// with TLS, a certificate from the consortium CA. Appended to <see cref="Nodes"/> so
    /// <see cref="ArgumentsFor"/> starts it; it knows the founders from genesis.
    /// </summary>
    public TestNodeConfig CreateJoiningNode(string nodeId)
    {
        var key = Suite.GenerateKeyPair();
        var node = new TestNodeConfig(nodeId, key, FreePort(), FreePort(), Path.Combine(Directory, nodeId), authority is null ? "http" : "https");
        File.WriteAllText(Path.Combine(Directory, $"{nodeId}.key.json"), KeyFile.Export(key));
        if (authority is not null)
        {
            var now = DateTimeOffset.UtcNow;
            using var certificate = authority.IssueNodeCertificate(nodeId, ["localhost"], [IPAddress.Loopback], now.AddDays(-1), TimeSpan.FromDays(10));
            File.WriteAllText(Path.Combine(Directory, $"{nodeId}.cert.pem"), ConsortiumCertificateAuthority.ExportCertificatePem(certificate));
            File.WriteAllText(Path.Combine(Directory, $"{nodeId}.key.pem"), ConsortiumCertificateAuthority.ExportPrivateKeyPem(certificate));
        }

        Nodes.Add(node);
        return node;
    }

    /// <summary>A signed RegisterWork of fresh random content by <paramref name="signer"/> (the platform by default).</summary>
    public SignedTransaction RegisterWork(KeyPair? signer = null, byte[]? contentSha256 = null, string? chainId = null, ulong? nonce = null, int titleBytes = 16, ulong? perceptualHash = null)
    {
        var content = contentSha256 ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var body = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(content) },
            MediaType = MediaType.Image,
            Title = new string('t', titleBytes),
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
        };
        if (perceptualHash is { } hash)
        {
            body.PerceptualHash = hash;
        }

        return Signed(TransactionType.RegisterWork, body.ToByteString(), signer, chainId, nonce);
    }

    /// <summary>
    /// A BatchRegister of the platform over <paramref name="items"/> (detached) whose signed body carries
    /// <paramref name="merkleRoot"/> (right or wrong) and <paramref name="itemCount"/> (default: the item count).
    /// </summary>
    /// <param name="itemsInSignedBody">Also put the items inside the signed body (which the ledger refuses).</param>
    public SignedTransaction BatchRegister(IEnumerable<BatchItem> items, byte[] merkleRoot, uint? itemCount = null, bool itemsInSignedBody = false)
    {
        var detached = new BatchItems { Items = { items } };
        var body = new BatchRegister
        {
            MerkleRoot = ByteString.CopyFrom(merkleRoot),
            MediaType = MediaType.ProductListing,
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
            ItemCount = itemCount ?? (uint)detached.Items.Count,
        };
        if (itemsInSignedBody)
        {
            body.Items.Add(detached.Items);
        }

        var transaction = Signed(TransactionType.BatchRegister, body.ToByteString(), signer: null, chainId: null, nonce: null);
        transaction.DetachedItems = detached.ToByteString();
        return transaction;
    }

    private SignedTransaction Signed(TransactionType type, ByteString body, KeyPair? signer, string? chainId, ulong? nonce)
    {
        signer ??= Platform;
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId ?? ChainId,
            Nonce = nonce ?? (ulong)Interlocked.Increment(ref nextNonce),
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, envelope.ChainId, envelopeBytes);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
    }

    public void Dispose()
    {
        authority?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static GenesisMember Member(string id, string role, KeyPair key) =>
        new() { Id = id, Role = role, Keys = [new GenesisKey { Suite = key.Suite.Name, PublicKey = key.Public.ToArray() }] };

    // Ports come from below Linux's ephemeral range (32768-60999 by default), never from port 0: the
    // kernel hands ephemeral ports to outgoing connections too (every gRPC client of every test process
    // on the machine), so a port 0 found free could be taken by a connect before the node binds it (seen
    // in CI as "address already in use"). Each process starts at a random offset and walks the range.
    private const int TestPortFirst = 20_000;
    private const int TestPortCount = 12_000;
    private static int nextPortOffset = Random.Shared.Next(TestPortCount);

    public static int FreePort()
    {
        for (var attempt = 0; attempt < TestPortCount; attempt++)
        {
            var port = TestPortFirst + (int)((uint)Interlocked.Increment(ref nextPortOffset) % TestPortCount);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use: try the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port in {TestPortFirst}..{TestPortFirst + TestPortCount - 1}");
    }
}

public sealed record TestNodeConfig(string NodeId, KeyPair Key, int PublicPort, int PeerPort, string DataDirectory, string PeerScheme)
{
    public string PublicUrl => $"http://127.0.0.1:{PublicPort}";

    public string PeerUrl => $"{PeerScheme}://127.0.0.1:{PeerPort}";
}
