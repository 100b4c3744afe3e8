using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Registry.State;
using Ledger.Storage.Registry;
using Ledger.Storage.Snapshots;
using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests.Snapshots;

/// <summary>
/// A staged snapshot is checked before it replaces the live state: it must install cleanly (in a
/// scratch database) and its registry state, recomputed entry by entry, must reproduce the state root
/// its last header commits to.
/// </summary>
public sealed class StagedSnapshotCheckTests
{
    private TempDirectory temp = null!;

    [SetUp]
    public void SetUp() => temp = new TempDirectory();

    [TearDown]
    public void TearDown() => temp.Dispose();

    [Test]
    public void Verify_StagedStateReproducingTheHeadersRoot_Accepted()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        StateSnapshotTests.BuildState(source, 10, seed: 1);
        var root = StateRoots.Recompute(new RocksDbRegistryState(source), Sha256HashAlgorithm.Instance);
        var (ready, manifest) = ExportAndStage(source, root);

        var refusal = StagedSnapshotCheck.Verify(ready, manifest, Sha256HashAlgorithm.Instance, Path.Combine(temp.Path, "scratch"));

        Assert.That(refusal, Is.Null);
        Assert.That(Directory.Exists(Path.Combine(temp.Path, "scratch")), Is.False, "the scratch copy is removed");
    }

    [Test]
    public void Verify_StagedStateAlteredAfterTheHeaderWasCertified_Refused()
    {
        // Arrange: the header commits to the state as it was; one registry value is changed before export.
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        StateSnapshotTests.BuildState(source, 10, seed: 1);
        var certifiedRoot = StateRoots.Recompute(new RocksDbRegistryState(source), Sha256HashAlgorithm.Instance);
        new RocksDbRegistryState(source).Apply([new StateWrite(new StateKey([1, 3]), [0xFF, 0xFF])]);
        var (ready, manifest) = ExportAndStage(source, certifiedRoot);

        // Act
        var refusal = StagedSnapshotCheck.Verify(ready, manifest, Sha256HashAlgorithm.Instance, Path.Combine(temp.Path, "scratch"));

        // Assert
        Assert.That(refusal, Does.Contain("does not reproduce the state root"));
    }

    [Test]
    public void Verify_StagedFileCutShort_RefusalNamesTheCauseNotOnlyItsType()
    {
        // A refusal reaches the learner's log and the leader: "RocksDbException" alone hid a full disk at 100M items.
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        StateSnapshotTests.BuildState(source, 10, seed: 1);
        var root = StateRoots.Recompute(new RocksDbRegistryState(source), Sha256HashAlgorithm.Instance);
        var (ready, manifest) = ExportAndStage(source, root);
        var largest = new DirectoryInfo(ready).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(file => file.Length)!;
        using (var stream = new FileStream(largest.FullName, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(largest.Length / 2);
        }

        var refusal = StagedSnapshotCheck.Verify(ready, manifest, Sha256HashAlgorithm.Instance, Path.Combine(temp.Path, "scratch"));

        Assert.That(refusal, Does.Match(@"does not install cleanly: \w+: \S"));
        Assert.That(refusal!.Length, Is.LessThanOrEqualTo(200 + StagedSnapshotCheck.CauseCharactersMax));
    }

    [Test]
    public void Verify_HeaderWithoutStateRoot_Refused()
    {
        using var source = TestChain.OpenDatabase(Path.Combine(temp.Path, "source"));
        StateSnapshotTests.BuildState(source, 10, seed: 1);
        var (ready, manifest) = ExportAndStage(source, []);

        var refusal = StagedSnapshotCheck.Verify(ready, manifest, Sha256HashAlgorithm.Instance, Path.Combine(temp.Path, "scratch"));

        Assert.That(refusal, Does.Contain("commits to no state root"));
    }

    private (string Ready, Core.Protocol.SnapshotManifest Manifest) ExportAndStage(LedgerDatabase source, byte[] headerStateRoot)
    {
        var export = Path.Combine(temp.Path, "export");
        var manifest = StateSnapshotExporter.Export(source, export);
        manifest.LastHeader.StateRoot = ByteString.CopyFrom(headerStateRoot);
        var ready = StateSnapshotTests.Transfer(manifest, export, new SnapshotStaging(Path.Combine(temp.Path, "staging")));
        return (ready, manifest);
    }
}
