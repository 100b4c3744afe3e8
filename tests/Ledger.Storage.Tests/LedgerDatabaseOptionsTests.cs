namespace Ledger.Storage.Tests;

/// <summary>The storage memory and file bounds are checked before anything is opened.</summary>
public sealed class LedgerDatabaseOptionsTests
{
    private const ulong MiB = 1024 * 1024;

    private static LedgerDatabaseOptions Defaults => new() { DataDirectory = "unused", ChainId = "test-chain" };

    [Test]
    public void Validate_Defaults_Pass()
    {
        Assert.DoesNotThrow(() => Defaults.Validate());
    }

    [Test]
    public void Validate_DefaultMemory_IsBlockCachePlusMemtableBudgetOf512MiB()
    {
        var options = Defaults;

        Assert.That(options.BlockCacheBytes + options.MemtableBudgetBytes, Is.EqualTo(512 * MiB));
    }

    [TestCase(LedgerDatabaseOptions.MemoryBytesMin - 1)]
    [TestCase(LedgerDatabaseOptions.MemoryBytesMax + 1)]
    public void Validate_BlockCacheOutOfRange_ThrowsNamingIt(ulong bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { BlockCacheBytes = bytes }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.BlockCacheBytes)));
    }

    [TestCase(LedgerDatabaseOptions.MemoryBytesMin - 1)]
    [TestCase(LedgerDatabaseOptions.MemoryBytesMax + 1)]
    public void Validate_MemtableBudgetOutOfRange_ThrowsNamingIt(ulong bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { MemtableBudgetBytes = bytes, WriteBufferBytes = LedgerDatabaseOptions.MemoryBytesMin }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.MemtableBudgetBytes)));
    }

    [Test]
    public void Validate_WriteBufferLargerThanMemtableBudget_Throws()
    {
        var options = Defaults with { MemtableBudgetBytes = 32 * MiB, WriteBufferBytes = 64 * MiB };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.WriteBufferBytes)));
    }

    [Test]
    public void Validate_WalBoundSmallerThanOneWriteBuffer_Throws()
    {
        var options = Defaults with { WriteBufferBytes = 64 * MiB, WalBytesMax = 32 * MiB };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.WalBytesMax)));
    }

    [TestCase(LedgerDatabaseOptions.WalBytesMin - 1)]
    [TestCase(LedgerDatabaseOptions.WalBytesMaxLimit + 1)]
    public void Validate_WalBoundOutOfRange_Throws(ulong bytes)
    {
        var options = Defaults with { WriteBufferBytes = LedgerDatabaseOptions.MemoryBytesMin, WalBytesMax = bytes };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.WalBytesMax)));
    }

    [TestCase(LedgerDatabaseOptions.OpenFilesMin - 1)]
    [TestCase(LedgerDatabaseOptions.OpenFilesMaxLimit + 1)]
    [TestCase(-1)]
    public void Validate_OpenFilesOutOfRange_Throws(int files)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { OpenFilesMax = files }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.OpenFilesMax)));
    }

    [TestCase(0)]
    [TestCase(LedgerDatabaseOptions.BackgroundThreadsMaxLimit + 1)]
    public void Validate_SubcompactionsOutOfRange_ThrowsNamingIt(int subcompactions)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { SubcompactionsMax = subcompactions }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.SubcompactionsMax)));
    }

    [TestCase(LedgerDatabaseOptions.LevelBaseBytesMin - 1)]
    [TestCase(LedgerDatabaseOptions.LevelBaseBytesMaxLimit + 1)]
    public void Validate_BaseLevelTargetOutOfRange_ThrowsNamingIt(ulong bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { LevelBaseBytes = bytes }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.LevelBaseBytes)));
    }

    [TestCase(0)]
    [TestCase(LedgerDatabaseOptions.RegistryStateLevel0FilesCompactionTriggerMax + 1)]
    public void Validate_RegistryStateLevel0TriggerOutOfRange_ThrowsNamingIt(int files)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { RegistryStateLevel0FilesCompactionTrigger = files }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.RegistryStateLevel0FilesCompactionTrigger)));
    }

    [TestCase(LedgerDatabaseOptions.RegistryStateLevelSizeMultiplierMin - 1)]
    [TestCase(LedgerDatabaseOptions.RegistryStateLevelSizeMultiplierMax + 1)]
    public void Validate_RegistryStateLevelSizeMultiplierOutOfRange_ThrowsNamingIt(int multiplier)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { RegistryStateLevelSizeMultiplier = multiplier }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.RegistryStateLevelSizeMultiplier)));
    }

    [TestCase(LedgerDatabaseOptions.TableFileBytesMin - 1)]
    [TestCase(LedgerDatabaseOptions.TableFileBytesMaxLimit + 1)]
    public void Validate_TableFileTargetOutOfRange_ThrowsNamingIt(ulong bytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => (Defaults with { TableFileBytes = bytes }).Validate());

        Assert.That(error!.ParamName, Is.EqualTo(nameof(LedgerDatabaseOptions.TableFileBytes)));
    }

    [Test]
    public void Open_InvalidBounds_ThrowsBeforeCreatingTheDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "ledger-storage-tests", Guid.NewGuid().ToString("N"));

        Assert.Throws<ArgumentOutOfRangeException>(() => LedgerDatabase.Open(Defaults with { DataDirectory = path, OpenFilesMax = 1 }));

        Assert.That(Directory.Exists(path), Is.False);
    }
}
