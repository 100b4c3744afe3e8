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
        var entries = log.HasUnstableEntries ? log.UnstableEntries() : EntrySlice.Empty;
        if (!entries.IsEmpty)
        {
            RaiseOwnWatermark(entries[^1]);
        }

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
        // Entering or leaving recovery is a promise like a vote: durable before any message that depends on it.
        var termOrVoteChanged = hardState.Term != previousHardState.Term || hardState.Vote != previousHardState.Vote
            || hardState.Recovery != previousHardState.Recovery || hardState.RecoveryTarget != previousHardState.RecoveryTarget;
        var snapshot = log.Unstable.Snapshot;
        var persistsSomething = hardStateChanged || snapshot is not null || entries.Length > 0;
        var mustSync = snapshot is not null || entries.Length > 0 || termOrVoteChanged;

        // Deliberate bug: every message may leave before the state it depends on is durable.
        var everythingEarly = (config.Bugs & RaftBugs.SendBeforePersist) != 0 && persistsSomething;
        SplitMessages(earlyAllowed: !termOrVoteChanged && snapshot is null, everythingEarly);
        var ready = new Ready(
            softState != previousSoftState ? softState : null,
            hardStateChanged ? hardState : null,
            entries,
            snapshot,
            log.NextCommittedEntries(config.MaxCommittedBytesPerReady),
            readyMessagesBeforePersist,
            readyMessagesAfterPersist,
            TakeReadStates(),
            mustSync);
        log.Unstable.OnReadyHandedOut();
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

        if (!ready.Entries.IsEmpty)
        {
            var last = ready.Entries[^1];
            log.StableTo(last.Index, last.Term);
        }

        var committed = ready.CommittedEntries;
        if (!committed.IsEmpty)
        {
            log.AppliedTo(committed[^1].Index);
            long appliedBytes = 0;
            foreach (var entry in committed)
            {
                appliedBytes += entry.Data.Length;
            }

            ReduceUncommittedBytes(appliedBytes);
        }

        ready.MarkAdvanced();
        log.ReleaseHeldEntries(HeldDurableEntriesMax);
        log.Unstable.OnReadyAdvanced();
        AcknowledgeOwnDurableEntries();
    }

    /// <summary>
    /// §10.2.1: the leader's own vote toward committing an entry counts only once the host reports the entry
    /// durable (here, at Advance), never at append time, because its appends may leave before its own write.
    /// </summary>
    private void AcknowledgeOwnDurableEntries()
    {
        if (role != RaftRole.Leader || !tracker.TryGet(Id, out var self))
        {
            return;
        }

        if (!self.MaybeUpdate(Math.Min(log.DurableLastIndex, log.LastIndex)))
        {
            return;
        }

        RaiseWatermark(self);

        if (MaybeCommit())
        {
            BroadcastAppend();
        }
    }

    /// <summary>
    /// Moves the pending messages into the Ready's two lists, keeping their order within each. Only a leader's
    /// appends, heartbeats and snapshots may leave before persistence, and only when this Ready changes neither
    /// term nor vote (a node that won an election alone, with learners only, must not ship entries of a term
    /// it has not recorded) and installs no snapshot.
    /// </summary>
    private void SplitMessages(bool earlyAllowed, bool everythingEarly)
    {
        foreach (var message in messages)
        {
            // Stamped now, not when created: the recovering flag must match the state this Ready persists.
            message.StampSender(config.Incarnation, IsRecovering);
            if (everythingEarly || (earlyAllowed && MayLeaveBeforePersist(message.Type)))
            {
                readyMessagesBeforePersist.Add(message);
            }
            else
            {
                readyMessagesAfterPersist.Add(message);
            }
        }

        messages.Clear();
    }

    private static bool MayLeaveBeforePersist(MessageType type) =>
        type is MessageType.App or MessageType.Heartbeat or MessageType.Snap;

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
