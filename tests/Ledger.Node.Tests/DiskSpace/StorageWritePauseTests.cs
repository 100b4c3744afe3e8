using Ledger.Consensus;
using Ledger.Node.Consensus;
using Ledger.Node.DiskSpace;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>
/// Issue #19 item 6: a storage write that fails for lack of space pauses and is retried until space is
/// back, instead of stopping the node ("the state machine no longer follows the log"). No wall clock:
/// the writes here decide when they succeed.
/// </summary>
public sealed class StorageWritePauseTests
{
    private const string RocksDbNoSpace = "IO error: No space left on device: While appending to file: /data/db/000004.log: No space left on device";

    [Test]
    public void IsNoSpace_RecognizesRocksDbsMessageTheErrnoAndAnInnerCause()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StorageWritePause.IsNoSpace(new Exception(RocksDbNoSpace)), Is.True, "RocksDB's Status::NoSpace text");
            Assert.That(StorageWritePause.IsNoSpace(new IOException("disk full", 28)), Is.True, "ENOSPC in IOException.HResult");
            Assert.That(StorageWritePause.IsNoSpace(new InvalidOperationException("write failed", new Exception(RocksDbNoSpace))), Is.True, "inside another exception");
            Assert.That(StorageWritePause.IsNoSpace(new IOException("Corruption: block checksum mismatch")), Is.False);
            Assert.That(StorageWritePause.IsNoSpace(new IOException("permission denied", 13)), Is.False);
            Assert.That(StorageWritePause.IsNoSpace(null), Is.False);
        });
    }

    [Test]
    public async Task Run_WriteFailsForLackOfSpace_PausedUntilItSucceedsThenResumes()
    {
        using var pause = NewPause(out var registry, out var spaceChecks);
        var attempts = 0;
        var pausedSeenByWrite = new List<bool>();

        pause.Run(
            () =>
            {
                pausedSeenByWrite.Add(pause.Paused);
                if (++attempts <= 3)
                {
                    throw new Exception(RocksDbNoSpace);
                }
            },
            "block apply");
        var metrics = await DiskSpaceGuardTests.ScrapeAsync(registry);

        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(4), "three failures, then the write that succeeded");
            Assert.That(pausedSeenByWrite, Is.EqualTo(new[] { false, true, true, true }), "paused from the first failure until the success");
            Assert.That(pause.Paused, Is.False);
            Assert.That(pause.Reason, Is.Null);
            Assert.That(spaceChecks(), Is.EqualTo(3), "free space sampled before each retry (metrics, readiness)");
            Assert.That(metrics, Does.Contain($"{StorageWritePause.RetriesName} 3"));
            Assert.That(metrics, Does.Contain($"{StorageWritePause.PausedName} 0"));
        });
    }

    [Test]
    public void Run_WhilePaused_ReasonNamesTheWriteAndTheCause()
    {
        using var pause = NewPause(out _, out _);
        string? reason = null;
        var attempts = 0;

        pause.Run(
            () =>
            {
                if (attempts++ == 1)
                {
                    reason = pause.Reason;
                    return;
                }

                throw new Exception(RocksDbNoSpace);
            },
            "raft log write");

        Assert.That(reason, Does.StartWith("raft log write waits for disk space (IO error: No space left on device"));
    }

    [Test]
    public void Run_AnyOtherFailure_PassesThroughAtOnce()
    {
        using var pause = NewPause(out _, out _);
        var attempts = 0;

        var error = Assert.Throws<InvalidOperationException>(() => pause.Run(() => { attempts++; throw new InvalidOperationException("Corruption: bad block"); }, "block apply"));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Is.EqualTo("Corruption: bad block"));
            Assert.That(attempts, Is.EqualTo(1));
            Assert.That(pause.Paused, Is.False);
        });
    }

    [Test]
    public async Task Stop_DuringAPause_TheWaitingWriteThrowsInsteadOfHoldingShutdown()
    {
        using var pause = NewPause(out _, out _);
        var failing = Task.Run(() => pause.Run(() => throw new Exception(RocksDbNoSpace), "raft log write"));
        await Support.Eventually.WaitUntilAsync(() => pause.Paused);

        pause.Stop();

        Assert.ThrowsAsync<OperationCanceledException>(async () => await failing);
        Assert.That(pause.Paused, Is.False);
    }

    [Test]
    public void PausingStateMachine_RetriedEntry_AppliedOnceAndNotAgainOnceItsIndexIsApplied()
    {
        using var pause = NewPause(out _, out _);
        var inner = new FlakyStateMachine(failuresBeforeSuccess: 2);
        var machine = new PausingStateMachine(inner, pause);
        var entry = new Entry(1, 7, EntryType.Normal, new byte[] { 1 });

        machine.ApplyEntry(entry);
        machine.ApplyEntry(entry);

        Assert.Multiple(() =>
        {
            Assert.That(inner.Attempts, Is.EqualTo(3), "two failed writes and one that landed; the second call finds index 7 applied");
            Assert.That(machine.AppliedIndex, Is.EqualTo(7));
        });
    }

    [Test]
    public void PausingRaftPersistence_RetriesTheSameWrite()
    {
        using var pause = NewPause(out _, out _);
        var inner = new FlakyPersistence(failuresBeforeSuccess: 1);
        var persistence = new PausingRaftPersistence(inner, pause);
        var entries = new[] { new Entry(1, 1, EntryType.Normal, new byte[] { 1 }) };

        persistence.Persist(null, entries, null, sync: true);

        Assert.That(inner.Calls, Is.EqualTo(2));
    }

    [Test]
    public void NoSpaceTolerantCompaction_FullDisk_SkipsTheRoundInsteadOfStoppingTheLoop()
    {
        var compaction = new NoSpaceTolerantCompaction(new ThrowingListener(new Exception(RocksDbNoSpace)));

        Assert.DoesNotThrow(() => compaction.OnApplied(10));
        Assert.That(compaction.Skipped, Is.EqualTo(1));
        Assert.Throws<InvalidOperationException>(() => new NoSpaceTolerantCompaction(new ThrowingListener(new InvalidOperationException("bug"))).OnApplied(10));
    }

    private static StorageWritePause NewPause(out CollectorRegistry registry, out Func<int> spaceChecks)
    {
        registry = Prometheus.Metrics.NewCustomRegistry();
        var checks = 0;
        spaceChecks = () => checks;
        return new StorageWritePause(registry, NullLogger.Instance, () => checks++, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4));
    }

    private sealed class FlakyStateMachine(int failuresBeforeSuccess) : IReplicatedStateMachine
    {
        public int Attempts { get; private set; }

        public ulong AppliedIndex { get; private set; }

        public void ApplyEntry(Entry entry)
        {
            Attempts++;
            if (Attempts <= failuresBeforeSuccess)
            {
                throw new Exception(RocksDbNoSpace);
            }

            AppliedIndex = entry.Index;
        }

        public void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting) => AppliedIndex = entry.Index;

        public void RestoreSnapshot(Snapshot snapshot)
        {
        }
    }

    private sealed class FlakyPersistence(int failuresBeforeSuccess) : IRaftPersistence
    {
        public int Calls { get; private set; }

        public void Persist(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState, bool sync)
        {
            if (++Calls <= failuresBeforeSuccess)
            {
                throw new IOException("disk full", 28);
            }
        }

        public void SaveConfState(ConfState confState, ulong index)
        {
        }
    }

    private sealed class ThrowingListener(Exception error) : IAppliedIndexListener
    {
        public void OnApplied(ulong appliedIndex) => throw error;
    }
}
