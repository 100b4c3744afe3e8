using Ledger.Node.Configuration;

namespace Ledger.Node.Tests.Hosting;

public sealed class CommandLineFlagsTests
{
    [Test]
    public void ExpandSwitches_BareSwitchBeforeAnotherFlag_MeansTrueAndLeavesTheNextFlagAlone()
    {
        var expanded = CommandLineFlags.ExpandSwitches(["--insecure-plaintext-peers", "--node-id", "node-1"]);

        Assert.That(expanded, Is.EqualTo(new[] { "--Node:InsecurePlaintextPeers=true", "--node-id", "node-1" }));
    }

    [Test]
    public void ExpandSwitches_SwitchWithAValue_KeepsTheValue()
    {
        var expanded = CommandLineFlags.ExpandSwitches(["--insecure-plaintext-peers=false"]);

        Assert.That(expanded, Is.EqualTo(new[] { "--Node:InsecurePlaintextPeers=false" }));
    }
}
