using Ledger.Client.Signing;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Support;

namespace Ledger.Client.IntegrationTests.Support;

/// <summary>
/// One three-node cluster (mTLS between nodes, plaintext public API on loopback) for a whole test
/// class: starting nodes costs seconds, so the tests share it and each works on its own data.
/// </summary>
public abstract class ClusterFixture
{
    protected TestCluster Cluster { get; private set; } = null!;

    protected ConsortiumGenesis Genesis { get; private set; } = null!;

    protected IReadOnlyList<Uri> Endpoints => [.. Cluster.Nodes.Select(n => new Uri(n.PublicUrl))];

    protected string PlatformKeyPath { get; private set; } = null!;

    /// <summary>The consortium's crypto suite (p256-sha256 unless a test class says otherwise).</summary>
    protected virtual string Suite => Ledger.Core.Crypto.CryptoSuites.P256Sha256Name;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        Cluster = await TestCluster.StartAsync(3, withTls: true, suite: Suite).ConfigureAwait(false);
        Genesis = ConsortiumGenesis.Parse(await File.ReadAllBytesAsync(Cluster.Consortium.GenesisPath).ConfigureAwait(false));
        PlatformKeyPath = Path.Combine(Cluster.Consortium.Directory, "platform-1.key.json");
        await File.WriteAllTextAsync(PlatformKeyPath, KeyFile.Export(Cluster.Consortium.Platform)).ConfigureAwait(false);
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync()
    {
        await Cluster.DisposeAsync().ConfigureAwait(false);
    }

    protected LedgerClient NewClient(IReadOnlyList<Uri>? endpoints = null, HttpMessageHandler? handler = null, TimeSpan? attemptDeadline = null, int attemptsMax = 8) => new(new LedgerClientOptions
    {
        Endpoints = endpoints ?? Endpoints,
        Genesis = Genesis,
        HttpHandler = handler,
        AttemptDeadline = attemptDeadline ?? TimeSpan.FromSeconds(20),
        AttemptsMax = attemptsMax,
        BackoffInitial = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(500),
    });

    /// <summary>Signs as the platform member (random nonces).</summary>
    protected TransactionBuilder Platform() => new(Cluster.Consortium.Platform, Cluster.Consortium.ChainId);

    protected static RegisterWork Work(string title, byte[]? content = null, ulong? perceptualHash = null)
    {
        var work = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = Google.Protobuf.ByteString.CopyFrom(content ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            MediaType = MediaType.Image,
            Title = title,
            RightsHolder = new RightsHolder { MemberId = "platform-1" },
        };
        if (perceptualHash is { } hash)
        {
            work.PerceptualHash = hash;
        }

        return work;
    }

    protected string[] ConnectionArguments() => [.. Endpoints.SelectMany(e => new[] { "--endpoint", e.ToString() }), "--genesis", Cluster.Consortium.GenesisPath];
}
