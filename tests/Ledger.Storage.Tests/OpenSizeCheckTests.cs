namespace Ledger.Storage.Tests;

/// <summary>
/// The size check that decides whether an open verifies every checksum must survive RocksDB deleting a
/// compacted file between the directory listing and the size read (it escaped from Open in CI once).
/// </summary>
public sealed class OpenSizeCheckTests
{
    [Test]
    public void TableAndBlobBytes_AFileDeletedAfterTheListing_IsSkippedAndTheRestCounted()
    {
        using var directory = new TempDirectory();
        var kept = Path.Combine(directory.Path, "000007.sst");
        File.WriteAllBytes(kept, new byte[100]);
        File.WriteAllBytes(Path.Combine(directory.Path, "000009.blob"), new byte[20]);
        File.WriteAllBytes(Path.Combine(directory.Path, "MANIFEST-000005"), new byte[1000]);
        var gone = Path.Combine(directory.Path, "000008.sst");
        File.WriteAllBytes(gone, new byte[50]);
        // Listed as the open's enumeration lists them: names only, sizes read later (no cached stat).
        var listed = Directory.GetFiles(directory.Path).Select(path => new FileInfo(path)).ToArray();
        File.Delete(gone);

        var total = LedgerDatabase.TableAndBlobBytes(listed);

        Assert.That(total, Is.EqualTo(120UL));
    }
}
