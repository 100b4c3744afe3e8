using Ledger.Storage.Errors;

namespace Ledger.Storage.Tests;

/// <summary>A data directory records the hash of the genesis file it was created under and refuses another one with the same chain id.</summary>
public sealed class GenesisHashStampTests
{
    private const string ChainId = "test-chain";
    private static readonly byte[] Genesis = [.. Enumerable.Repeat((byte)0xA1, 32)];
    private static readonly byte[] OtherGenesis = [.. Enumerable.Repeat((byte)0xB2, 32)];

    private static LedgerDatabase Open(string path, byte[]? genesisHash) =>
        LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = path, ChainId = ChainId, GenesisHash = genesisHash, SyncWrites = false });

    [Test]
    public void Open_SameGenesisHash_Reopens()
    {
        using var directory = new TempDirectory();
        Open(directory.Path, Genesis).Dispose();

        using var reopened = Open(directory.Path, Genesis);

        Assert.That(reopened.GenesisHashStampedOnExistingDirectory, Is.False);
    }

    [Test]
    public void Open_OtherGenesisHashSameChainId_ThrowsNamingBothHashes()
    {
        using var directory = new TempDirectory();
        Open(directory.Path, Genesis).Dispose();

        var error = Assert.Throws<GenesisMismatchException>(() => Open(directory.Path, OtherGenesis));

        Assert.That(error!.StoredHash, Is.EqualTo(Genesis));
        Assert.That(error.ConfiguredHash, Is.EqualTo(OtherGenesis));
        Assert.That(error.Message, Does.Contain(Convert.ToHexStringLower(Genesis)).And.Contain(Convert.ToHexStringLower(OtherGenesis)).And.Contain(ChainId));
    }

    [Test]
    public void Open_AfterAGenesisMismatch_LeavesTheDirectoryUnlockedAndUnchanged()
    {
        using var directory = new TempDirectory();
        Open(directory.Path, Genesis).Dispose();
        Assert.Throws<GenesisMismatchException>(() => Open(directory.Path, OtherGenesis));

        Assert.DoesNotThrow(() => Open(directory.Path, Genesis).Dispose());
    }

    [Test]
    public void Open_DirectoryWithoutAStamp_StampsItOnceThenRefusesAnother()
    {
        using var directory = new TempDirectory();
        Open(directory.Path, genesisHash: null).Dispose();

        using (var upgraded = Open(directory.Path, Genesis))
        {
            Assert.That(upgraded.GenesisHashStampedOnExistingDirectory, Is.True);
        }

        using (var again = Open(directory.Path, Genesis))
        {
            Assert.That(again.GenesisHashStampedOnExistingDirectory, Is.False);
        }

        Assert.Throws<GenesisMismatchException>(() => Open(directory.Path, OtherGenesis));
    }

    [Test]
    public void Open_NoGenesisHashGiven_NeitherChecksNorStamps()
    {
        using var directory = new TempDirectory();
        Open(directory.Path, Genesis).Dispose();

        Assert.DoesNotThrow(() => Open(directory.Path, genesisHash: null).Dispose());
    }

    [TestCase(0)]
    [TestCase(LedgerDatabaseOptions.GenesisHashBytesMax + 1)]
    public void Validate_GenesisHashOutOfBounds_Refused(int length)
    {
        var options = new LedgerDatabaseOptions { DataDirectory = "unused", ChainId = ChainId, GenesisHash = new byte[length] };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
