using Ledger.Node.Configuration;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Configuration;

public sealed class NodeCommandLineTests
{
    [Test]
    public void Parse_MistypedFlag_RefusedWithTheNearestFlagAndTheKnownOnes()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeCommandLine.Parse(["--genisis", "genesis.json"]));

        Assert.That(refused!.Message, Does.Contain("unknown flag '--genisis'").And.Contain("did you mean --genesis?").And.Contain("--node-key").And.Contain("--tls-cert"));
    }

    [Test]
    public void Parse_UnknownFlagWithAValue_Refused()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeCommandLine.Parse(["--listen=0.0.0.0"]));

        Assert.That(refused!.Message, Does.Contain("unknown flag '--listen'"));
    }

    [Test]
    public void Parse_StrayArgument_Refused()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeCommandLine.Parse(["--node-id", "node-1", "node-2"]));

        Assert.That(refused!.Message, Does.Contain("unexpected argument 'node-2'"));
    }

    [Test]
    public void Parse_ValueFlagFollowedByAnotherFlag_RefusedAsMissingItsValue()
    {
        var refused = Assert.Throws<NodeConfigurationException>(() => NodeCommandLine.Parse(["--genesis", "--node-id", "node-1"]));

        Assert.That(refused!.Message, Does.Contain("--genesis needs a value"));
    }

    [Test]
    public void Parse_KnownFlagsSwitchesAndLongForms_Run()
    {
        string[] args =
        [
            "--genesis", "g.json", "--node-id=node-1", "--insecure-plaintext-peers", "--dev=false", "--clock-offset-ms", "-5",
            "--Node:Api:ConnectionsMax=10", "--Node:Peers:0", "node-2=http://127.0.0.1:1", "--Logging:LogLevel:Default=Warning", "--log-format", "json",
        ];

        Assert.That(NodeCommandLine.Parse(args), Is.EqualTo(NodeCommand.Run));
    }

    [Test]
    public void Parse_LongFormOfAnotherSection_Refused()
    {
        // Only Node and Logging are read from the command line; --Kestrel:... would be ignored by the node's listeners.
        Assert.Throws<NodeConfigurationException>(() => NodeCommandLine.Parse(["--Kestrel:Limits:MaxConcurrentConnections=5"]));
    }

    [TestCase("--help", NodeCommand.Help)]
    [TestCase("-h", NodeCommand.Help)]
    [TestCase("--version", NodeCommand.Version)]
    public void Parse_InformationFlag_AsksForIt(string flag, NodeCommand expected)
    {
        Assert.That(NodeCommandLine.Parse(["--data-dir", "x", flag]), Is.EqualTo(expected));
    }

    [Test]
    public void HelpText_ListsEveryFlag()
    {
        var help = NodeCommandLine.HelpText();

        foreach (var flag in CommandLineFlags.ValueFlags.Concat(CommandLineFlags.SwitchFlags).Concat(CommandLineFlags.InformationFlags))
        {
            Assert.That(help, Does.Contain(flag.Name));
        }
    }

    [Test]
    public void VersionText_NamesSoftwareVersionAndStorageFormat()
    {
        Assert.That(NodeCommandLine.VersionText(), Does.Contain(NodeVersion.Software).And.Contain($"storage format {Ledger.Storage.LedgerDatabase.FormatVersion}"));
    }

    [Test]
    public async Task RunAsync_UnknownFlag_ExitsWithTheConfigurationCodeBeforeStartingAnything()
    {
        var data = Path.Combine(Path.GetTempPath(), "ledger-never-created-" + Guid.NewGuid().ToString("N"));
        var exitCode = await NodeProgram.RunAsync(["--dev", "--data-dir", data, "--fsnyc", "true"]);

        Assert.That(exitCode, Is.EqualTo(NodeProgram.ExitConfiguration));
        Assert.That(Directory.Exists(data), Is.False, "nothing may be created for a refused command line");
    }

    [Test]
    public async Task RunAsync_Help_PrintsTheFlagsAndExitsZero()
    {
        var exitCode = 0;
        var output = await ConsoleCapture.RunAsync(async () => exitCode = await NodeProgram.RunAsync(["--help"]));

        Assert.That(exitCode, Is.Zero);
        Assert.That(output, Does.Contain("--genesis FILE").And.Contain("--dev").And.Contain("docs/configuration.md"));
    }

    [Test]
    public async Task RunAsync_Version_ExitsZeroWithoutStartingANode()
    {
        var data = Path.Combine(Path.GetTempPath(), "ledger-never-created-" + Guid.NewGuid().ToString("N"));

        var exitCode = await NodeProgram.RunAsync(["--version", "--dev", "--data-dir", data]);

        Assert.That(exitCode, Is.Zero);
        Assert.That(Directory.Exists(data), Is.False);
    }
}
