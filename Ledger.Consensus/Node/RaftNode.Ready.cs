namespace Ledger.Consensus;

public sealed partial class RaftNode
{
    /// <summary>True when there is work for the host. Always false while a Ready is outstanding (not yet advanced).</summary>
    public bool HasReady()
    {
        if (outstandingReady is not null)
        {
            return false;
        }

        FlushPendingBroadcast();
        if (CurrentSoftState() != previousSoftState)
        {
            return true;
        }

        var hardState = CurrentHardState();
        if (!hardState.IsEmpty && hardState != previousHardState)
        {
            return true;
        }

        return log.Unstable.Snapshot is not null
            || log.HasUnstableEntries
            || messages.Count > 0
            || readStates.Count > 0
            || log.HasNextCommittedEntries();
    }

    /// <summary>Collects the pending work. Call <see cref="Advance"/> with the result before asking again.</summary>
    public Ready GetReady()
    {
        if (outstandingReady is not null)
        {
            throw new InvalidOperationException("The previous Ready has not been advanced yet.");
        }

        FlushPendingBroadcast();
        var softState = CurrentSoftState();
        var hardState = CurrentHardState();
        if (hardState.Term < previousHardState.Term)
        {
            RaftInvariantException.Throw($"Term went backwards from {previousHardState.Term} to {hardState.Term}.");
        }

        if (hardState.Commit < previousHardState.Commit)
        {
            RaftInvariantException.Throw($"Commit index went backwards from {previousHardState.Commit} to {hardState.Commit}.");
        }

        var hardStateChanged = !hardState.IsEmpty && hardState != previousHardState;
        var snapshot = log.Unstable.Snapshot;
        var persistencePending = hardStateChanged || snapshot is not null || log.HasUnstableEntries;
        var outgoing = TakeMessages();

        Ready ready;
        if ((config.Bugs & RaftBugs.SendBeforePersist) != 0 && persistencePending && outgoing.Count > 0)
        {
            // Deliberate bug: release the messages now and the state they depend on in the next Ready.
            ready = new Ready(
                softState != previousSoftState ? softState : null,
                null,
                [],
                null,
                [],
                outgoing,
                TakeReadStates(),
                mustSync: false);
        }
        else
        {
            var entries = log.HasUnstableEntries ? log.UnstableEntries() : [];
            var mustSync = snapshot is not null
                || entries.Length > 0
                || hardState.Term != previousHardState.Term
                || hardState.Vote != previousHardState.Vote;
            ready = new Ready(
                softState != previousSoftState ? softState : null,
                hardStateChanged ? hardState : null,
                entries,
                snapshot,
                log.NextCommittedEntries(config.MaxCommittedBytesPerReady),
                outgoing,
                TakeReadStates(),
                mustSync);
        }

        outstandingReady = ready;
        return ready;
    }

    /// <summary>
    /// Tells the node the host has carried out <paramref name="ready"/>: persisted its state, sent its messages
    /// and applied its committed entries.
    /// </summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, outstandingReady))
        {
            throw new InvalidOperationException("Advance must be given the Ready most recently returned by GetReady.");
        }

        outstandingReady = null;
        if (ready.SoftState is { } softState)
        {
            previousSoftState = softState;
        }

        if (ready.HardState is { } hardState)
        {
            previousHardState = hardState;
        }

        if (ready.Snapshot is { } snapshot)
        {
            log.StableSnapshotTo(snapshot.Metadata.Index);
            if (snapshot.Metadata.Index > log.Applied)
            {
                log.AppliedTo(snapshot.Metadata.Index);
            }
        }

        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[ready.Entries.Count - 1];
            log.StableTo(last.Index, last.Term);
        }

        var committed = ready.CommittedEntries;
        if (committed.Count > 0)
        {
            log.AppliedTo(committed[committed.Count - 1].Index);
            long appliedBytes = 0;
            for (var i = 0; i < committed.Count; i++)
            {
                appliedBytes += committed[i].Data.Length;
            }

            ReduceUncommittedBytes(appliedBytes);
        }
    }

    private List<Message> TakeMessages()
    {
        if (messages.Count == 0)
        {
            return Ready.NoMessages;
        }

        var taken = messages;
        messages = [];
        return taken;
    }

    private List<ReadState> TakeReadStates()
    {
        if (readStates.Count == 0)
        {
            return Ready.NoReadStates;
        }

        var taken = readStates;
        readStates = [];
        return taken;
    }
}
