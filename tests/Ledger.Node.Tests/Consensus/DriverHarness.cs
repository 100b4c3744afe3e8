using Ledger.Consensus;
using Ledger.Node.Consensus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ledger.Node.Tests.Consensus;

/// <summary>A single-voter <see cref="RaftDriver"/> over in-memory storage, with a state machine the test can hold up.</summary>
internal sealed class DriverHarness : IAsyncDisposable
{
    public static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(30);

    private DriverHarness(RaftDriverOptions options, params ulong[] voters)
    {
        Storage = MemoryRaftLogStorage.WithVoters(voters.Length == 0 ? [1] : voters);
        var node = new RaftNode(
            new RaftConfig { Id = 1, ElectionTicks = 10, HeartbeatTicks = 1, Random = new SeededRandomSource(7) },
            Storage);
        Driver = new RaftDriver(node, new MemoryPersistence(Storage), new NullTransport(), StateMachine, options, TimeProvider.System, NullLogger.Instance);
    }

    public MemoryRaftLogStorage Storage { get; }

    public RecordingStateMachine StateMachine { get; } = new();

    public RaftDriver Driver { get; }

    public static async Task<DriverHarness> StartLeaderAsync(RaftDriverOptions? options = null)
    {
        var harness = new DriverHarness(options ?? new RaftDriverOptions { TickInterval = TimeSpan.FromMilliseconds(10) });
        harness.Driver.Start();
        harness.Driver.TryCampaign();
        await harness.WaitUntilAsync(() => harness.Driver.Status.Role == RaftRole.Leader && harness.StateMachine.AppliedIndex >= 1);
        return harness;
    }

    /// <summary>Node 1 of voters {1, 2, 3}, started as a follower that has heard from nobody (term 0); its peers exist only as the test's messages.</summary>
    public static DriverHarness StartFollowerOfThree()
    {
        // Elections far away: the test decides who leads.
        var harness = new DriverHarness(new RaftDriverOptions { TickInterval = TimeSpan.FromSeconds(10) }, 1, 2, 3);
        harness.Driver.Start();
        return harness;
    }

    public async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + WaitMax;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            await Task.Delay(5);
        }
    }

    public ValueTask DisposeAsync()
    {
        StateMachine.Release();
        return Driver.DisposeAsync();
    }

    private sealed class MemoryPersistence(MemoryRaftLogStorage storage) : IRaftPersistence
    {
        public void Persist(Snapshot? snapshot, IReadOnlyList<Entry> entries, HardState? hardState, bool sync)
        {
            if (snapshot is { IsEmpty: false })
            {
                storage.ApplySnapshot(snapshot);
            }

            storage.Append(entries);
            if (hardState is { } state)
            {
                storage.SetHardState(state);
            }
        }

        public void SaveConfState(ConfState confState, ulong index) => storage.SetConfState(confState);
    }

    private sealed class NullTransport : IRaftTransport
    {
        public bool Send(Message message) => true;
    }
}

/// <summary>Records what was applied, in order, and on which thread; <see cref="Hold"/> makes the next apply wait.</summary>
internal sealed class RecordingStateMachine : IReplicatedStateMachine
{
    private readonly ManualResetEventSlim open = new(initialState: true);
    private readonly Lock gate = new();
    private readonly List<(string Kind, ulong Index, int ThreadId)> applied = [];
    private long appliedIndex;

    public ulong AppliedIndex => (ulong)Interlocked.Read(ref appliedIndex);

    /// <summary>Set while an apply is parked at the gate.</summary>
    public bool Parked { get; private set; }

    public IReadOnlyList<(string Kind, ulong Index, int ThreadId)> Applied
    {
        get
        {
            lock (gate)
            {
                return [.. applied];
            }
        }
    }

    public void Hold() => open.Reset();

    public void Release() => open.Set();

    public void ApplyEntry(Entry entry) => Record(entry.Data.IsEmpty ? "noop" : "entry", entry.Index);

    public void ApplyConfChangeEntry(Entry entry, ConfChange change, ConfState resulting) => Record("confchange", entry.Index);

    public void RestoreSnapshot(Snapshot snapshot) => Record("snapshot", snapshot.Metadata.Index);

    private void Record(string kind, ulong index)
    {
        Parked = !open.IsSet;
        open.Wait();
        Parked = false;
        lock (gate)
        {
            applied.Add((kind, index, Environment.CurrentManagedThreadId));
        }

        Interlocked.Exchange(ref appliedIndex, (long)index);
    }
}
