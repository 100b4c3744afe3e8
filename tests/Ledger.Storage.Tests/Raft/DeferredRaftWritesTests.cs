using Ledger.Consensus;
using Ledger.Storage.Raft;

namespace Ledger.Storage.Tests.Raft;

/// <summary>
/// The emulation behind the planted bug skip-raft-fsync: a Raft log with <see cref="DeferredRaftWrites"/>
/// serves what it was given at once, but only a flush makes it durable; closing without a flush (the
/// process died) loses it, and writes reach the disk in the order they were made.
/// </summary>
public sealed class DeferredRaftWritesTests
{
    private static readonly ConfState ThreeVoters = new([1, 2, 3], []);

    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-deferred-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void Persist_WithHeldWrites_ServedAtOnceButLostWhenNeverFlushed()
    {
        using (var database = Open())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters);
            log.Persist(null, Entries(1, 3), new HardState(1, 1, 2), sync: true);
            log.DeferredWrites = new DeferredRaftWrites(database, log.LastIndex());

            log.Persist(null, Entries(4, 6), new HardState(1, 1, 5), sync: true);

            Assert.That((log.LastIndex(), log.Term(6), log.HardState.Commit, log.DeferredWrites.HeldWrites), Is.EqualTo((6UL, 1UL, 5UL, 1)), "the node sees what it acknowledged");
        }

        using (var reopened = Open())
        {
            var log = new RocksDbRaftLogStorage(reopened, ThreeVoters);

            Assert.That((log.LastIndex(), log.HardState.Commit), Is.EqualTo((3UL, 2UL)), "after process death, only what was flushed is there");
        }
    }

    [Test]
    public void Flush_HeldWrites_DurableInOrder()
    {
        using (var database = Open())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters) { DeferredWrites = new DeferredRaftWrites(database, 0) };
            log.Persist(null, Entries(1, 4), new HardState(1, 1, 2), sync: true);
            // Overwrites the suffix from 3 (a new leader's entries): the later write must win on disk too.
            log.Persist(null, Entries(3, 3, term: 2), new HardState(2, 2, 3), sync: true);

            log.DeferredWrites.Flush();

            Assert.That(log.DeferredWrites.HeldWrites, Is.Zero);
        }

        using (var reopened = Open())
        {
            var log = new RocksDbRaftLogStorage(reopened, ThreeVoters);

            Assert.That((log.LastIndex(), log.Term(3), log.HardState), Is.EqualTo((3UL, 2UL, new HardState(2, 2, 3))));
        }
    }

    [Test]
    public void SaveConfState_WithHeldWrites_FlushesThemFirst()
    {
        using (var database = Open())
        {
            var log = new RocksDbRaftLogStorage(database, ThreeVoters) { DeferredWrites = new DeferredRaftWrites(database, 0) };
            log.Persist(null, Entries(1, 2), new HardState(1, 1, 2), sync: true);

            log.SaveConfState(new ConfState([1, 2, 3, 4], []));
        }

        using (var reopened = Open())
        {
            Assert.That(new RocksDbRaftLogStorage(reopened, ThreeVoters).LastIndex(), Is.EqualTo(2UL), "no membership on disk ahead of the entries before it");
        }
    }

    [Test]
    public async Task WaitUntilDurable_EntryOnlyHeld_ReturnsOnceAFlushWroteIt()
    {
        using var database = Open();
        var log = new RocksDbRaftLogStorage(database, ThreeVoters) { DeferredWrites = new DeferredRaftWrites(database, 0) };
        log.Persist(null, Entries(1, 3), new HardState(1, 1, 3), sync: true);
        var waiting = Task.Run(() => log.DeferredWrites.WaitUntilDurable(3));
        var finishedEarly = await Task.WhenAny(waiting, Task.Delay(200)) == waiting;

        log.DeferredWrites.Flush();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That((finishedEarly, log.DeferredWrites.DurableLastIndex), Is.EqualTo((false, 3UL)), "the state machine may build on entry 3 only once it is on disk");
    }

    private LedgerDatabase Open() => LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "test-chain" });

    private static Entry[] Entries(ulong from, ulong to, ulong term = 1)
    {
        var entries = new Entry[to - from + 1];
        for (var index = from; index <= to; index++)
        {
            entries[index - from] = new Entry(term, index, EntryType.Normal, new byte[] { (byte)index });
        }

        return entries;
    }
}
