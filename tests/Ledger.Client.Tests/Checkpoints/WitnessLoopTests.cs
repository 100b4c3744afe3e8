using Ledger.Cli.Commands;
using Ledger.Cli.Infrastructure;
using Ledger.Cli.Witness;
using Ledger.Client.Tests.Support;
using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;

namespace Ledger.Client.Tests.Checkpoints;

public sealed class WitnessLoopTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_765_000_000);

    [Test]
    public async Task StepAsync_ConsistentSequence_CosignsEachAndPersistsTheLast()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(5).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        var steps = new List<WitnessStep>();

        foreach (var size in new ulong[] { 5, 5, 17, 64 })
        {
            ledger.ServedNote = fixture.Signed(size).Format();
            steps.Add(await loop.StepAsync(CancellationToken.None));
        }

        Assert.That(steps.Select(s => s.Kind), Is.EqualTo(new[] { WitnessStepKind.Cosigned, WitnessStepKind.Unchanged, WitnessStepKind.Cosigned, WitnessStepKind.Cosigned }));
        Assert.That(ledger.ProofRequests, Is.EqualTo(new[] { (5UL, 17UL), (17UL, 64UL) }));
        var saved = WitnessState.Load(directory.File("state.json"))!;
        Assert.That(Checkpoint.Parse(saved.Text).TreeSize, Is.EqualTo(64UL));
        var sent = CheckpointVerifier.Verify(ledger.ReceivedCosignatures[^1], fixture.Trust);
        Assert.That(sent.IsValid, Is.True, sent.Problem);
        Assert.That(sent.Witnesses.Single().TimestampUnixSeconds, Is.EqualTo((ulong)Now.ToUnixTimeSeconds()));
    }

    [Test]
    public async Task StepAsync_AfterRestart_ContinuesFromTheStateFile()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);
        var ledger = new FakeWitnessLedger(fixture.Signed(10).Format(), fixture.Tree);
        await Loop(fixture, ledger, directory.File("state.json")).StepAsync(CancellationToken.None);

        ledger.ServedNote = fixture.Signed(30).Format();
        var step = await Loop(fixture, ledger, directory.File("state.json")).StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Cosigned));
        Assert.That(ledger.ProofRequests, Is.EqualTo(new[] { (10UL, 30UL) }));
    }

    [Test]
    public async Task StepAsync_ForkedCheckpoint_RefusesAndReportsBoth()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(20).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        await loop.StepAsync(CancellationToken.None);

        // The same nodes sign a size-40 tree whose first 20 leaves differ (a rewritten history).
        var forkedTree = ForkedTree(fixture, rewrittenLeaf: 3, size: 40);
        ledger.Tree = forkedTree;
        ledger.ServedNote = fixture.Signed(new Checkpoint(CheckpointFixture.Origin, 40, forkedTree.ComputeRoot(40))).Format();
        var step = await loop.StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Fork));
        Assert.That(ledger.ReceivedCosignatures, Has.Count.EqualTo(1), "no cosignature for the forked checkpoint");
        var report = ForkEvidence.Parse(step.Fork!.ToJson());
        Assert.That(report.Kind, Is.EqualTo(ForkEvidence.ConsistencyProofFailedKind));
        Assert.That(Checkpoint.Parse(report.Earlier.Text).TreeSize, Is.EqualTo(20UL));
        Assert.That(Checkpoint.Parse(report.Later.Text).TreeSize, Is.EqualTo(40UL));
        Assert.That(report.Recheck(fixture.Trust, fixture.Hasher), Is.Null);
        Assert.That(Checkpoint.Parse(WitnessState.Load(directory.File("state.json"))!.Text).TreeSize, Is.EqualTo(20UL), "state unchanged");
    }

    [Test]
    public async Task StepAsync_SameSizeDifferentRoot_IsAConclusiveFork()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.Sm2Sm3);
        var ledger = new FakeWitnessLedger(fixture.Signed(20).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        await loop.StepAsync(CancellationToken.None);

        var forkedTree = ForkedTree(fixture, rewrittenLeaf: 19, size: 20);
        ledger.ServedNote = fixture.Signed(new Checkpoint(CheckpointFixture.Origin, 20, forkedTree.ComputeRoot(20))).Format();
        var step = await loop.StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Fork));
        Assert.That(step.Fork!.Kind, Is.EqualTo(ForkEvidence.SameSizeDifferentRootsKind));
        Assert.That(step.Fork.Recheck(fixture.Trust, fixture.Hasher), Is.Null);
    }

    [Test]
    public async Task StepAsync_CheckpointWithoutQuorum_IsRefusedNotCosigned()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(20, signers: 1).Format(), fixture.Tree);

        var step = await Loop(fixture, ledger, directory.File("state.json")).StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Refused));
        Assert.That(ledger.ReceivedCosignatures, Is.Empty);
        Assert.That(File.Exists(directory.File("state.json")), Is.False);
    }

    [Test]
    public async Task StepAsync_ForkSignedByAMinority_IsRefusedNotReported()
    {
        // One rogue node cannot frame the consortium: its fork has no quorum.
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(20).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        await loop.StepAsync(CancellationToken.None);

        var forkedTree = ForkedTree(fixture, rewrittenLeaf: 3, size: 40);
        ledger.ServedNote = fixture.Signed(new Checkpoint(CheckpointFixture.Origin, 40, forkedTree.ComputeRoot(40)), signers: 1).Format();
        var step = await loop.StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Refused));
    }

    [Test]
    public async Task StepAsync_NodeBehindTheCosignedSize_WaitsWithoutCosigning()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.Ed25519);
        var ledger = new FakeWitnessLedger(fixture.Signed(40).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        await loop.StepAsync(CancellationToken.None);

        ledger.ServedNote = fixture.Signed(12).Format();
        var step = await loop.StepAsync(CancellationToken.None);

        Assert.That(step.Kind, Is.EqualTo(WitnessStepKind.Refused));
        Assert.That(step.Message, Does.Contain("behind"));
        Assert.That(ledger.ReceivedCosignatures, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RunAsync_Fork_WritesTheReportPrintsItAndExitsOne()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(20).Format(), fixture.Tree);
        var loop = Loop(fixture, ledger, directory.File("state.json"));
        await loop.StepAsync(CancellationToken.None);
        var forkedTree = ForkedTree(fixture, rewrittenLeaf: 0, size: 33);
        ledger.Tree = forkedTree;
        ledger.ServedNote = fixture.Signed(new Checkpoint(CheckpointFixture.Origin, 33, forkedTree.ComputeRoot(33))).Format();
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a witness that misses the fork would poll forever

        var exitCode = await WitnessCommands.RunAsync(loop, new CliOutput(output, error, OutputFormat.Text, interactive: false), once: false, TimeSpan.FromMilliseconds(100), directory.File("fork.json"), giveUp.Token);

        Assert.That(exitCode, Is.EqualTo(WitnessCommands.ForkExitCode).And.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("FORK"));
        var written = ForkEvidence.Parse(File.ReadAllText(directory.File("fork.json")));
        Assert.That(written.ToJson(), Is.EqualTo(output.ToString()));
    }

    [Test]
    public async Task RunAsync_NodeUnavailableForTwoPolls_KeepsPollingAndCosigns()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var ledger = new FakeWitnessLedger(fixture.Signed(20).Format(), fixture.Tree) { OutagesLeft = 2 };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ledger.OnCosignature = stop.Cancel;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await WitnessCommands.RunAsync(Loop(fixture, ledger, directory.File("state.json")), new CliOutput(output, error, OutputFormat.Text, interactive: false), once: false, TimeSpan.FromMilliseconds(100), directory.File("fork.json"), stop.Token);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(ledger.ReceivedCosignatures, Has.Count.EqualTo(1));
        Assert.That(error.ToString(), Does.Contain("node unavailable").And.Contain("retrying"));
    }

    [Test]
    public void ForkEvidence_ClaimingAConflictThatIsNotThere_FailsRecheck()
    {
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var evidence = new ForkEvidence(ForkEvidence.ConsistencyProofFailedKind, "made up", "w", 0, fixture.Signed(10), fixture.Signed(20), fixture.Tree.BuildConsistencyProof(10, 20));

        Assert.That(evidence.Recheck(fixture.Trust, fixture.Hasher), Does.Contain("do not conflict"));
    }

    [TestCase("{}")]
    [TestCase("[]")]
    [TestCase("{\"format\":\"ledger-fork-evidence/v1\"}")]
    [TestCase("not json")]
    public void ForkEvidence_Parse_Malformed_ThrowsNoteFormatException(string json)
    {
        Assert.That(() => ForkEvidence.Parse(json), Throws.TypeOf<NoteFormatException>());
    }

    [TestCase("5s", 5000)]
    [TestCase("500ms", 500)]
    [TestCase("2m", 120000)]
    [TestCase("3", 3000)]
    public void ParseInterval_Durations_AreRead(string text, int milliseconds)
    {
        Assert.That(WitnessCommands.ParseInterval(text), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("1ms")]
    [TestCase("2h")]
    [TestCase("soon")]
    public void ParseInterval_OutOfBoundsOrGarbage_IsAUsageError(string text)
    {
        Assert.That(() => WitnessCommands.ParseInterval(text), Throws.TypeOf<CliException>());
    }

    private static CheckpointWitnessLoop Loop(CheckpointFixture fixture, FakeWitnessLedger ledger, string statePath) =>
        new(ledger, fixture.Trust, fixture.Hasher, fixture.WitnessKey, CheckpointFixture.WitnessName, statePath, new FixedTimeProvider(Now));

    private static MemoryMerkleTree ForkedTree(CheckpointFixture fixture, int rewrittenLeaf, int size)
    {
        var tree = new MemoryMerkleTree(new MerkleHasher(fixture.Suite.Hash), size);
        for (var i = 0; i < size; i++)
        {
            tree.AppendLeaf(i == rewrittenLeaf ? [0xEE, 0xEE] : BitConverter.GetBytes(i));
        }

        return tree;
    }
}

/// <summary>A clock stopped at one instant.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
