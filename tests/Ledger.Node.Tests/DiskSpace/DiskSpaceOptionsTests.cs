using Ledger.Node.Configuration;
using Ledger.Node.DiskSpace;

namespace Ledger.Node.Tests.DiskSpace;

public sealed class DiskSpaceOptionsTests
{
    [Test]
    public void Validate_Defaults_Pass() => Assert.DoesNotThrow(() => new NodeOptions().Validate());

    [TestCase(-1L)]
    [TestCase(DiskSpaceOptions.ReserveBytesMax + 1)]
    public void Validate_ReserveOutOfRange_NamesTheSetting(long reserve)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DiskSpaceOptions { ReserveBytes = reserve }.Validate(0));

        Assert.That(error!.Message, Does.StartWith("Node:DiskSpace:ReserveBytes must be within"));
    }

    [Test]
    public void Validate_ReserveBelowOneMemtable_RefusedBecauseRocksDbWouldNotResume()
    {
        var options = new NodeOptions();
        options.DiskSpace.ReserveBytes = options.Storage.WriteBufferBytes - 1;

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.Contain("must be at least Node:Storage:WriteBufferBytes"));
    }

    [TestCase(DiskSpaceOptions.CheckIntervalMillisecondsMin - 1)]
    [TestCase(DiskSpaceOptions.CheckIntervalMillisecondsMax + 1)]
    public void Validate_CheckIntervalOutOfRange_NamesTheSetting(int interval)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DiskSpaceOptions { CheckIntervalMilliseconds = interval }.Validate(0));

        Assert.That(error!.Message, Does.StartWith("Node:DiskSpace:CheckIntervalMilliseconds must be within"));
    }
}
