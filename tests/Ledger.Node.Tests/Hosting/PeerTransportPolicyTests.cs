using Ledger.Node.Chain;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Hosting;

[NonParallelizable]
public sealed class PeerTransportPolicyTests
{
    private static readonly Dictionary<string, string> NoOverrides = new(StringComparer.Ordinal);

    [Test]
    public void Build_ThreeNodePlaintextGenesisWithoutTheFlag_RefusesToStart()
    {
        using var consortium = new TestConsortium(3);
        var args = consortium.ArgumentsFor(0).Where(a => a != "--insecure-plaintext-peers").ToArray();

        var refused = Assert.Throws<InvalidOperationException>(() => NodeProgram.Build(args));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("plaintext").And.Contain("--insecure-plaintext-peers"));
            Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[0].DataDirectory, "db")), Is.False, "refused before any storage is opened");
        });
    }

    [Test]
    public void Build_ThreeNodeGenesisWithOnePeerOverriddenToPlaintext_RefusesToStart()
    {
        using var consortium = new TestConsortium(3, withTls: true);
        var args = consortium.ArgumentsFor(0, ["--Node:Peers:0=node-2=http://127.0.0.1:1"]);

        var refused = Assert.Throws<InvalidOperationException>(() => NodeProgram.Build(args));

        Assert.That(refused!.Message, Does.Contain("node-2 at http://127.0.0.1:1"));
    }

    [Test]
    public async Task Build_ThreeNodePlaintextGenesisWithTheFlag_Starts()
    {
        using var consortium = new TestConsortium(3);
        var args = consortium.ArgumentsFor(0);
        Assume.That(args, Does.Contain("--insecure-plaintext-peers"));

        var (app, node) = NodeProgram.Build(args);
        await node.DisposeAsync();
        await app.DisposeAsync();

        Assert.Pass("built without refusal");
    }

    [Test]
    public void Build_SingleNodeDevelopmentDefault_NeedsNoFlag()
    {
        var data = Directory.CreateTempSubdirectory("ledger-dev-node-").FullName;
        try
        {
            string[] args = ["--dev", "--data-dir", data, "--public-url", $"http://127.0.0.1:{TestConsortium.FreePort()}", "--peer-url", $"http://127.0.0.1:{TestConsortium.FreePort()}"];

            Assert.DoesNotThrowAsync(async () =>
            {
                var (app, node) = NodeProgram.Build(args);
                await node.DisposeAsync();
                await app.DisposeAsync();
            });
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public void FindPlaintextPeers_SingleNodeGenesis_FindsNone()
    {
        using var consortium = new TestConsortium(1);
        var chain = ChainContext.Load(consortium.GenesisPath);

        var found = PeerTransportPolicy.FindPlaintextPeers(chain, "node-1", consortium.Nodes[0].PeerUrl, tlsConfigured: false, NoOverrides);

        Assert.That(found, Is.Null);
    }

    [Test]
    public void FindPlaintextPeers_ThreeNodeMutualTls_FindsNone()
    {
        using var consortium = new TestConsortium(3, withTls: true);
        var chain = ChainContext.Load(consortium.GenesisPath);

        var found = PeerTransportPolicy.FindPlaintextPeers(chain, "node-1", consortium.Nodes[0].PeerUrl, tlsConfigured: true, NoOverrides);

        Assert.That(found, Is.Null);
    }

    [Test]
    public void FindPlaintextPeers_ThreeNodeTlsButOnePeerOverriddenToHttp_NamesThatPeer()
    {
        using var consortium = new TestConsortium(3, withTls: true);
        var chain = ChainContext.Load(consortium.GenesisPath);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal) { ["node-3"] = "http://127.0.0.1:1" };

        var found = PeerTransportPolicy.FindPlaintextPeers(chain, "node-1", consortium.Nodes[0].PeerUrl, tlsConfigured: true, overrides);

        Assert.That(found, Does.Contain("node-3 at http://127.0.0.1:1"));
    }

    [Test]
    public void FindPlaintextPeers_HttpsUrlsWithoutTlsMaterial_SaysSo()
    {
        using var consortium = new TestConsortium(3, withTls: true);
        var chain = ChainContext.Load(consortium.GenesisPath);

        var found = PeerTransportPolicy.FindPlaintextPeers(chain, "node-1", consortium.Nodes[0].PeerUrl, tlsConfigured: false, NoOverrides);

        Assert.That(found, Does.Contain("no TLS material"));
    }

    [Test]
    public void FindPlaintextPeers_SingleNodeGenesisWithAPlaintextPeerOverride_CountsThePeer()
    {
        using var consortium = new TestConsortium(1);
        var chain = ChainContext.Load(consortium.GenesisPath);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal) { ["node-2"] = "http://127.0.0.1:1" };

        var found = PeerTransportPolicy.FindPlaintextPeers(chain, "node-1", consortium.Nodes[0].PeerUrl, tlsConfigured: false, overrides);

        Assert.That(found, Does.StartWith("2-node consortium"));
    }

    [Test]
    public void Enforce_PlaintextAllowedByTheFlag_LogsAWarning()
    {
        var logger = new RecordingLogger();

        PeerTransportPolicy.Enforce("3-node consortium with plaintext peer traffic (node-2 at http://x)", insecurePlaintextPeersAllowed: true, logger);

        Assert.That(logger.Entries, Has.One.Matches<(LogLevel Level, string Message)>(e => e.Level == LogLevel.Warning && e.Message.Contains("INSECURE", StringComparison.Ordinal)));
    }

    [Test]
    public void Enforce_NoPlaintext_LogsNothing()
    {
        var logger = new RecordingLogger();

        PeerTransportPolicy.Enforce(null, insecurePlaintextPeersAllowed: true, logger);

        Assert.That(logger.Entries, Is.Empty);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
