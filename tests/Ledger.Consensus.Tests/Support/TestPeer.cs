namespace Ledger.Consensus.Tests.Support;

/// <summary>One node plus the host duties a real node would perform: persist, apply, track read states.</summary>
internal sealed class TestPeer
{
    public TestPeer(ulong id, MemoryRaftLogStorage storage, RaftConfig config)
    {
        Id = id;
        Storage = storage;
        Config = config;
        Node = new RaftNode(config, storage);
    }

    /// <summary>
    /// A standalone node <paramref name="id"/> whose durable log already holds entries 1..n with the
    /// given terms, and the given hard state (term defaults to the last log term).
    /// </summary>
    public static TestPeer Create(
        ulong id,
        ulong[] voters,
        Func<RaftConfig, RaftConfig>? configure = null,
        ulong[]? logTerms = null,
        HardState? hardState = null,
        ulong[]? learners = null)
    {
        var storage = new MemoryRaftLogStorage(new ConfState(voters, learners ?? []));
        var entries = new List<Entry>();
        var terms = logTerms ?? [];
        for (var i = 0; i < terms.Length; i++)
        {
            entries.Add(new Entry(terms[i], (ulong)(i + 1), EntryType.Normal, new byte[] { (byte)(i + 1) }));
        }

        storage.Append(entries);
        var lastTerm = terms.Length > 0 ? terms[^1] : 0;
        storage.SetHardState(hardState ?? new HardState(lastTerm, 0, 0));
        return new TestPeer(id, storage, TestCluster.Config(id, configure));
    }

    /// <summary>Steps <paramref name="message"/> and returns what the node wants to send as a result.</summary>
    public List<Message> StepAndCollect(Message message)
    {
        Node.Step(message);
        return Process();
    }

    public ulong Id { get; }

    public MemoryRaftLogStorage Storage { get; private set; }

    public RaftConfig Config { get; private set; }

    public RaftNode Node { get; private set; }

    /// <summary>Committed entries in the order the host applied them.</summary>
    public List<Entry> Applied { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    /// <summary>The replicated state machine: texts of normal entries, restored wholesale from snapshots.</summary>
    public List<string> State { get; } = [];

    public Snapshot? LastRestoredSnapshot { get; private set; }

    /// <summary>Copies of every Ready processed (a Ready itself is valid only until its Advance).</summary>
    public List<ReadyRecord> Readies { get; } = [];

    public IEnumerable<byte[]> AppliedData()
    {
        foreach (var entry in Applied)
        {
            if (entry.Type == EntryType.Normal && !entry.Data.IsEmpty)
            {
                yield return entry.Data.ToArray();
            }
        }
    }

    /// <summary>
    /// Runs every pending Ready through the host contract; returns the messages to send (copies that outlive
    /// the Readies), each Ready's early messages before its later ones.
    /// </summary>
    public List<Message> Process()
    {
        var outgoing = new List<Message>();
        while (Node.HasReady())
        {
            var ready = Node.GetReady();
            var record = ReadyRecord.Of(ready);
            Readies.Add(record);
            outgoing.AddRange(record.MessagesBeforePersist);
            if (ready.Snapshot is { } snapshot)
            {
                Storage.ApplySnapshot(snapshot);
                LastRestoredSnapshot = snapshot;
                State.Clear();
                var image = System.Text.Encoding.UTF8.GetString(snapshot.Data.Span);
                if (image.Length > 0)
                {
                    State.AddRange(image.Split('\n'));
                }
            }

            Storage.Append(ready.Entries);
            if (ready.HardState is { } hardState)
            {
                Storage.SetHardState(hardState);
            }

            outgoing.AddRange(record.MessagesAfterPersist);
            foreach (var entry in ready.CommittedEntries)
            {
                Applied.Add(entry);
                if (entry.Type == EntryType.Normal && !entry.Data.IsEmpty)
                {
                    State.Add(System.Text.Encoding.UTF8.GetString(entry.Data.Span));
                }

                if (entry.Type == EntryType.ConfChange)
                {
                    var confState = Node.ApplyConfChange(ConfChange.Decode(entry.Data));
                    Storage.SetConfState(confState);
                }
            }

            ReadStates.AddRange(ready.ReadStates);
            Node.Advance(ready);
        }

        return outgoing;
    }

    /// <summary>Host-side log compaction: snapshot the state machine at the applied index and drop the log before it.</summary>
    public Snapshot CompactAtApplied()
    {
        var applied = Node.Applied;
        var image = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', State));
        var snapshot = Storage.CreateSnapshot(applied, Node.Status.ConfState, image);
        Storage.Compact(applied);
        return snapshot;
    }

    /// <summary>
    /// Crash, and come back on storage rolled back to an older durable state (a lost WAL tail, a restored backup):
    /// only entries up to <paramref name="keepLastIndex"/> and <paramref name="hardState"/> survive. No compaction assumed.
    /// </summary>
    public void RestartRolledBack(ulong keepLastIndex, HardState hardState, Func<RaftConfig, RaftConfig>? reconfigure = null)
    {
        var older = new MemoryRaftLogStorage(Storage.ConfState);
        if (keepLastIndex >= Storage.FirstIndex())
        {
            older.Append(Storage.Entries(Storage.FirstIndex(), keepLastIndex + 1, long.MaxValue).ToArray());
        }

        older.SetHardState(hardState);
        Storage = older;
        Restart(config => (reconfigure is null ? config : reconfigure(config)) with { Applied = 0 });
    }

    /// <summary>Crash and restart from what was persisted; the applied state machine is rebuilt from the log.</summary>
    public void Restart(Func<RaftConfig, RaftConfig>? reconfigure = null)
    {
        if (reconfigure is not null)
        {
            Config = reconfigure(Config);
        }

        Applied.Clear();
        ReadStates.Clear();
        State.Clear();
        var snapshot = Storage.Snapshot();
        if (!snapshot.Data.IsEmpty)
        {
            State.AddRange(System.Text.Encoding.UTF8.GetString(snapshot.Data.Span).Split('\n'));
        }

        Node = new RaftNode(Config with { Applied = Math.Max(Config.Applied, snapshot.Metadata.Index) }, Storage);
    }
}
