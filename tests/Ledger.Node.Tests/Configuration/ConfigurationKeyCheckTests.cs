using Ledger.Node.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Configuration;

public sealed class ConfigurationKeyCheckTests
{
    private static IConfigurationRoot CommandLine(params string[] args) => new ConfigurationBuilder().AddCommandLine(args).Build();

    [Test]
    public void ThrowIfUnknown_KnownKeysAtEveryDepth_Pass()
    {
        var configuration = CommandLine(
            "--Node:ElectionTicks=20", "--Node:Api:ConnectionsMax=100", "--Node:Tls:ReloadCheckSeconds=5", "--Node:Peers:0=node-2=http://127.0.0.1:1",
            "--Node:Storage:BlockCacheBytes=1000", "--node:fsync=true", "--Logging:LogLevel:Default=Warning", "--SomethingElse=1");

        Assert.DoesNotThrow(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));
    }

    [Test]
    public void ThrowIfUnknown_MistypedTopLevelKey_NamesItItsSourceAndTheNearestKey()
    {
        var configuration = CommandLine("--Node:ElectionTick=20");

        var refused = Assert.Throws<NodeConfigurationException>(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));

        Assert.That(refused!.Message, Does.Contain("'Node:ElectionTick'").And.Contain("the command line").And.Contain("did you mean 'Node:ElectionTicks'?"));
    }

    [Test]
    public void ThrowIfUnknown_MistypedNestedKey_Refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Node:Api:ConectionsMax"] = "5" }).Build();

        var refused = Assert.Throws<NodeConfigurationException>(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));

        Assert.That(refused!.Message, Does.Contain("'Node:Api:ConectionsMax'").And.Contain("did you mean 'Node:Api:ConnectionsMax'?"));
    }

    [Test]
    public void ThrowIfUnknown_DerivedValue_RefusedBecauseItCannotBeSet()
    {
        var configuration = CommandLine("--Node:PeerMessageBytesMax=1000");

        var refused = Assert.Throws<NodeConfigurationException>(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));

        Assert.That(refused!.Message, Does.Contain("'Node:PeerMessageBytesMax'").And.Contain("derived"));
    }

    [Test]
    public void ThrowIfUnknown_KeyNestedUnderAPlainValue_Refused()
    {
        var configuration = CommandLine("--Node:Fsync:Enabled=false");

        Assert.Throws<NodeConfigurationException>(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));
    }

    [Test]
    public void ThrowIfUnknown_EnvironmentVariable_NamedAsTheVariable()
    {
        var name = "LEDGERKEYTEST" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(name + "Node__Fsnyc", "false");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(name).Build();

            var refused = Assert.Throws<NodeConfigurationException>(() => ConfigurationKeyCheck.ThrowIfUnknown(configuration, NodeOptions.SectionName, typeof(NodeOptions)));

            Assert.That(refused!.Message, Does.Contain($"the environment variable {name}Node__Fsnyc").And.Contain("did you mean 'Node:Fsync'?"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name + "Node__Fsnyc", null);
        }
    }

    [Test]
    public void KnownKeys_ListNestedSettingsAndNotDerivedOnes()
    {
        var known = ConfigurationKeyCheck.KnownKeys(NodeOptions.SectionName, typeof(NodeOptions));

        Assert.That(known, Does.Contain("Node:Api:ConnectionsMax").And.Contain("Node:Tls:CertificateFile").And.Contain("Node:Batching:BatchBytesMax").And.Contain("Node:Peers"));
        Assert.That(known, Does.Not.Contain("Node:PeerMessageBytesMax").And.Not.Contain("Node:Tls:Enabled"));
    }

    [Test]
    public void Build_UnknownNodeKey_RefusedBeforeTheDataDirectoryIsTouched()
    {
        using var consortium = new Support.TestConsortium(1);

        var refused = Assert.Throws<NodeConfigurationException>(() => Ledger.Node.Hosting.NodeProgram.Build(consortium.ArgumentsFor(0, ["--Node:SubmitTimeoutMillis=5"])));

        Assert.That(refused!.Message, Does.Contain("Node:SubmitTimeoutMillis"));
        Assert.That(Directory.Exists(consortium.Nodes[0].DataDirectory), Is.False);
    }
}
