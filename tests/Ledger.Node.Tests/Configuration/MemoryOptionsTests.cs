using Ledger.Node.Configuration;

namespace Ledger.Node.Tests.Configuration;

/// <summary><c>Node:Memory:*</c>: the managed heap limit is checked once at start-up against the node's own bounded data, and makes the stated budget.</summary>
public sealed class MemoryOptionsTests
{
    private const long MiB = 1024 * 1024;

    [Test]
    public void Validate_DefaultsNoLimit_PassAndTheBudgetIsUnbounded()
    {
        var options = new NodeOptions();

        Assert.DoesNotThrow(options.Validate);
        Assert.That(options.Memory.BudgetBytes(options.Storage), Is.Null);
    }

    [Test]
    public void Validate_LimitBelowTheQueuesBatchesAndWorkingRoom_ThrowsNamingTheSettingAndTheMinimum()
    {
        var options = new NodeOptions();
        var minimum = MemoryOptions.GcHeapHardLimitBytesMin(options.Batching.BatchBytesMax);
        options.Memory.GcHeapHardLimitBytes = minimum - 1;

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Memory:GcHeapHardLimitBytes").And.Contain($"at least {minimum}").And.Contain("Node:Batching:BatchBytesMax"));
    }

    [Test]
    public void Validate_LimitAtTheMinimum_Passes()
    {
        var options = new NodeOptions();
        options.Memory.GcHeapHardLimitBytes = MemoryOptions.GcHeapHardLimitBytesMin(options.Batching.BatchBytesMax);

        Assert.DoesNotThrow(options.Validate);
    }

    [Test]
    public void Validate_MinimumFollowsTheBatchBound()
    {
        var options = new NodeOptions();
        options.Memory.GcHeapHardLimitBytes = MemoryOptions.GcHeapHardLimitBytesMin(options.Batching.BatchBytesMax);
        options.Batching.BatchBytesMax *= 2;

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Memory:GcHeapHardLimitBytes"));
    }

    [TestCase(-1L)]
    [TestCase(MemoryOptions.GcHeapHardLimitBytesMaxLimit + 1)]
    public void Validate_LimitOutOfRange_ThrowsNamingTheSetting(long limit)
    {
        var options = new NodeOptions();
        options.Memory.GcHeapHardLimitBytes = limit;

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Memory:GcHeapHardLimitBytes must be 0 (no limit) or within"));
    }

    [Test]
    public void BudgetBytes_WithALimit_IsTheLimitPlusBlockCachePlusMemtables()
    {
        var options = new NodeOptions();
        options.Memory.GcHeapHardLimitBytes = 1024 * MiB;
        options.Storage.BlockCacheBytes = 128 * MiB;
        options.Storage.MemtableBudgetBytes = 64 * MiB;

        Assert.That(options.Memory.BudgetBytes(options.Storage), Is.EqualTo((1024 + 128 + 64) * MiB));
    }
}
