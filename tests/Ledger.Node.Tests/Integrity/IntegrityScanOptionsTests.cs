using Ledger.Node.Configuration;
using Ledger.Node.Integrity;

namespace Ledger.Node.Tests.Integrity;

/// <summary><c>Node:IntegrityScan:*</c> is checked once, at start-up, with a message naming the key and its bounds.</summary>
public sealed class IntegrityScanOptionsTests
{
    [Test]
    public void Validate_Defaults_AreValidAndTheScanIsOn()
    {
        var options = new IntegrityScanOptions();

        Assert.DoesNotThrow(options.Validate);
        Assert.That(options.Enabled, Is.True);
    }

    [TestCase(IntegrityScanOptions.BytesPerSecondMin)]
    [TestCase(IntegrityScanOptions.BytesPerSecondMax)]
    public void Validate_BytesPerSecondAtABound_IsAccepted(long bytesPerSecond)
    {
        Assert.DoesNotThrow(new IntegrityScanOptions { BytesPerSecond = bytesPerSecond }.Validate);
    }

    [TestCase(0L)]
    [TestCase(IntegrityScanOptions.BytesPerSecondMin - 1)]
    [TestCase(IntegrityScanOptions.BytesPerSecondMax + 1)]
    public void Validate_BytesPerSecondOutOfRange_IsRefusedNamingTheKeyAndBounds(long bytesPerSecond)
    {
        var refused = Assert.Throws<InvalidOperationException>(new IntegrityScanOptions { BytesPerSecond = bytesPerSecond }.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:IntegrityScan:BytesPerSecond")
            .And.Contain($"{IntegrityScanOptions.BytesPerSecondMin}..{IntegrityScanOptions.BytesPerSecondMax}")
            .And.Contain($"was {bytesPerSecond}"));
    }

    [TestCase(-1)]
    [TestCase(IntegrityScanOptions.StartDelaySecondsMax + 1)]
    public void Validate_StartDelaySecondsOutOfRange_IsRefusedNamingTheKey(int seconds)
    {
        var refused = Assert.Throws<InvalidOperationException>(new IntegrityScanOptions { StartDelaySeconds = seconds }.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:IntegrityScan:StartDelaySeconds").And.Contain($"0..{IntegrityScanOptions.StartDelaySecondsMax}"));
    }

    [TestCase(-1)]
    [TestCase(IntegrityScanOptions.PassIntervalSecondsMax + 1)]
    public void Validate_PassIntervalSecondsOutOfRange_IsRefusedNamingTheKey(int seconds)
    {
        var refused = Assert.Throws<InvalidOperationException>(new IntegrityScanOptions { PassIntervalSeconds = seconds }.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:IntegrityScan:PassIntervalSeconds").And.Contain($"0..{IntegrityScanOptions.PassIntervalSecondsMax}"));
    }

    [Test]
    public void NodeOptionsValidate_IntegrityScanOutOfRange_IsRefusedAtStartUp()
    {
        var options = new NodeOptions();
        options.IntegrityScan.BytesPerSecond = 1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:IntegrityScan:BytesPerSecond"));
    }
}
