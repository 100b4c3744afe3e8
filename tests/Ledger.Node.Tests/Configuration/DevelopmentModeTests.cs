using Ledger.Node.Configuration;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Configuration;

public sealed class DevelopmentModeTests
{
    private static bool Decide(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(CommandLineFlags.ExpandSwitches(args), new Dictionary<string, string>(CommandLineFlags.Map)).Build();
        var options = new NodeOptions();
        configuration.GetSection(NodeOptions.SectionName).Bind(options);
        return DevelopmentMode.Decide(configuration, options);
    }

    [Test]
    public void Decide_NothingConfigured_IsADevelopmentNode()
    {
        Assert.That(Decide("--public-url", "http://127.0.0.1:1"), Is.True);
    }

    [Test]
    public void Decide_DataDirectoryWithoutGenesis_RefusedAndPointsAtDev()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => Decide("--data-dir", "/var/lib/ledger/node-1"));

        Assert.That(refused!.Message, Does.Contain("--data-dir /var/lib/ledger/node-1 given without --genesis").And.Contain("add --dev"));
    }

    [Test]
    public void Decide_DataDirectoryFromTheEnvironmentWithoutGenesis_Refused()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Node:DataDirectory"] = "/srv/ledger" }).Build();

        Assert.Throws<NodeConfigurationException>(() => DevelopmentMode.Decide(configuration, new NodeOptions { DataDirectory = "/srv/ledger" }));
    }

    [Test]
    public void Decide_DataDirectoryWithDev_IsADevelopmentNode()
    {
        Assert.That(Decide("--dev", "--data-dir", "/tmp/dev"), Is.True);
    }

    [TestCase("--node-key", "node.key.json")]
    [TestCase("--node-id", "node-1")]
    public void Decide_NodeIdentityWithoutGenesis_RefusedEvenWithDev(string flag, string value)
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => Decide("--dev", flag, value));

        Assert.That(refused!.Message, Does.Contain($"{flag} given without --genesis"));
    }

    [Test]
    public void Decide_DevWithGenesis_Refused()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => Decide("--dev", "--genesis", "genesis.json"));

        Assert.That(refused!.Message, Does.Contain("--dev and --genesis"));
    }

    [Test]
    public void Decide_Genesis_IsNotADevelopmentNode()
    {
        Assert.That(Decide("--genesis", "genesis.json", "--data-dir", "d"), Is.False);
    }

    [Test]
    public void Build_ProductionDataDirectoryWithoutGenesis_GeneratesNothingThere()
    {
        var data = Path.Combine(Path.GetTempPath(), "ledger-prod-" + Guid.NewGuid().ToString("N"));

        Assert.Throws<NodeConfigurationException>(() => NodeProgram.Build(["--data-dir", data, "--node-key", "node.key.json"]));

        Assert.That(Directory.Exists(data), Is.False, "a production-looking start must not fall back to generating a dev consortium");
    }
}
