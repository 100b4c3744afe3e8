using Ledger.Node.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Tests.Configuration;

public sealed class NodeOptionsRegistrationTests
{
    [Test]
    public void Validate_LimitsThatDisagree_FailsWithTheSettingsNamed()
    {
        var result = new NodeOptionsValidator().Validate(Options.DefaultName, new NodeOptions { ElectionTicks = 2, HeartbeatTicks = 2 });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Node:ElectionTicks (2) must be greater than Node:HeartbeatTicks (2)"));
    }

    [TestCase("--log-format=xml", "Node:LogFormat")]
    [TestCase("--Node:Tls:ReloadCheckSeconds=0", "Node:Tls:ReloadCheckSeconds")]
    [TestCase("--Node:StopLeadershipTransferMilliseconds=-1", "Node:StopLeadershipTransferMilliseconds")]
    public void Load_ValueOutOfRange_RefusedNamingTheSetting(string argument, string named)
    {
        var data = Directory.CreateTempSubdirectory("ledger-options-").FullName;
        try
        {
            var refused = Assert.Throws<NodeConfigurationException>(() =>
                NodeConfiguration.Load(new ConfigurationManager(), new ServiceCollection(), CommandLineFlags.ExpandSwitches(["--dev", "--data-dir", data, argument])));

            Assert.That(refused!.Message, Does.Contain(named));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public void Load_OnlySomeTlsFiles_Refused()
    {
        using var consortium = new Support.TestConsortium(1);

        var refused = Assert.Throws<NodeConfigurationException>(() =>
            NodeConfiguration.Load(new ConfigurationManager(), new ServiceCollection(), CommandLineFlags.ExpandSwitches(consortium.ArgumentsFor(0, ["--tls-cert", "cert.pem"]))));

        Assert.That(refused!.Message, Does.Contain("--tls-ca, --tls-cert and --tls-key"));
    }

    [Test]
    public void Load_RegistersTheOptionsWithValidateOnStart()
    {
        var data = Directory.CreateTempSubdirectory("ledger-options-").FullName;
        try
        {
            var configuration = new ConfigurationManager();
            var services = new ServiceCollection();
            var loaded = NodeConfiguration.Load(configuration, services, CommandLineFlags.ExpandSwitches(["--dev", "--data-dir", data, "--Node:ElectionTicks=30"]));
            using var provider = services.BuildServiceProvider();

            Assert.That(loaded.Development, Is.True);
            Assert.That(provider.GetRequiredService<IOptions<NodeOptions>>().Value.ElectionTicks, Is.EqualTo(30));
            Assert.That(provider.GetRequiredService<IOptions<NodeOptions>>().Value.GenesisFile, Is.EqualTo(loaded.Options.GenesisFile), "IOptions sees the resolved development genesis too");

            // A value that went bad after the eager check is still caught when the host starts.
            configuration["Node:ElectionTicks"] = "1";
            using var later = services.BuildServiceProvider();
            var startup = later.GetRequiredService<IStartupValidator>();
            var refused = Assert.Throws<OptionsValidationException>(() => startup.Validate());
            Assert.That(refused!.Message, Does.Contain("Node:ElectionTicks"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
