using Ledger.Node.Configuration;
using Ledger.Storage;

namespace Ledger.Node.Tests.Configuration;

/// <summary><c>Node:Storage:*</c> is checked at start-up with the bounds Ledger.Storage states.</summary>
public sealed class StorageOptionsTests
{
    private const long MiB = 1024 * 1024;

    [Test]
    public void Validate_Defaults_Pass()
    {
        Assert.DoesNotThrow(() => new StorageOptions().Validate());
    }

    [Test]
    public void Validate_WriteBufferAboveTheMemtableBudget_ThrowsNamingTheSetting()
    {
        var options = new StorageOptions { MemtableBudgetBytes = 16 * MiB, WriteBufferBytes = 32 * MiB };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Storage:WriteBufferBytes"));
    }

    [Test]
    public void Validate_SubcompactionsOutOfRange_ThrowsNamingTheSetting()
    {
        var options = new StorageOptions { SubcompactionsMax = 0 };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Storage:SubcompactionsMax"));
    }

    [Test]
    public void Validate_BaseLevelTargetBelowItsMinimum_ThrowsNamingTheSetting()
    {
        var options = new StorageOptions { LevelBaseBytes = (long)LedgerDatabaseOptions.LevelBaseBytesMin - 1 };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Storage:LevelBaseBytes"));
    }

    [Test]
    public void Validate_NegativeSize_Throws()
    {
        Assert.Throws<InvalidOperationException>(new StorageOptions { BlockCacheBytes = -1 }.Validate);
    }

    [Test]
    public void Validate_RegistryStateLevelSizeMultiplierOutOfRange_NamesTheSetting()
    {
        var options = new StorageOptions { RegistryStateLevelSizeMultiplier = 1 };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(error!.Message, Does.StartWith("Node:Storage:RegistryStateLevelSizeMultiplier"));
    }

    [Test]
    public void Apply_Settings_ReachTheDatabaseOptionsAndKeepTheRest()
    {
        var storage = new StorageOptions { BlockCacheBytes = 64 * MiB, MemtableBudgetBytes = 32 * MiB, WriteBufferBytes = 8 * MiB, WalBytesMax = 128 * MiB, OpenFilesMax = 500, RegistryStateLargeValuesInBlobFiles = false, SubcompactionsMax = 3, LevelBaseBytes = 512 * MiB, RegistryStateLevel0FilesCompactionTrigger = 8, RegistryStateLevelSizeMultiplier = 5 };

        var applied = storage.Apply(new LedgerDatabaseOptions { DataDirectory = "d", ChainId = "c", SyncWrites = false });

        Assert.Multiple(() =>
        {
            Assert.That(applied.BlockCacheBytes, Is.EqualTo(64UL * 1024 * 1024));
            Assert.That(applied.MemtableBudgetBytes, Is.EqualTo(32UL * 1024 * 1024));
            Assert.That(applied.WriteBufferBytes, Is.EqualTo(8UL * 1024 * 1024));
            Assert.That(applied.WalBytesMax, Is.EqualTo(128UL * 1024 * 1024));
            Assert.That(applied.OpenFilesMax, Is.EqualTo(500));
            Assert.That(applied.RegistryStateLargeValuesInBlobFiles, Is.False);
            Assert.That(applied.SubcompactionsMax, Is.EqualTo(3));
            Assert.That(applied.LevelBaseBytes, Is.EqualTo(512UL * 1024 * 1024));
            Assert.That(applied.RegistryStateLevel0FilesCompactionTrigger, Is.EqualTo(8));
            Assert.That(applied.RegistryStateLevelSizeMultiplier, Is.EqualTo(5));
            Assert.That(applied.DataDirectory, Is.EqualTo("d"));
            Assert.That(applied.SyncWrites, Is.False);
        });
    }
}
