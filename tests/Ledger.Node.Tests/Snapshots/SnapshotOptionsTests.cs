using Ledger.Node.Configuration;

namespace Ledger.Node.Tests.Snapshots;

public sealed class SnapshotOptionsTests
{
    [Test]
    public void Defaults_AreValid()
    {
        Assert.DoesNotThrow(() => new NodeOptions().Validate());
    }

    [Test]
    public void ChunkLargerThanThePeerMessageBound_IsRefusedAtStartUp()
    {
        var options = new NodeOptions();
        options.Snapshots.ChunkBytes = options.PeerMessageBytesMax;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Snapshots:ChunkBytes"));
    }

    [Test]
    public void NegativeRetainedEntries_AreRefusedAtStartUp()
    {
        var options = new NodeOptions();
        options.Raft.CompactionRetainEntries = -1;

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message, Does.Contain("Node:Raft:CompactionRetainEntries"));
    }

    [Test]
    public void ZeroCompactionInterval_IsRefusedAtStartUp()
    {
        var options = new NodeOptions();
        options.Raft.CompactionIntervalEntries = 0;

        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
