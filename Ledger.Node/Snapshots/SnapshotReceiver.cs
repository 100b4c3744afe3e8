using Google.Protobuf;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Storage.Blocks;
using Ledger.Storage.Snapshots;
using Microsoft.Extensions.Logging;
using Snapshot = Ledger.Consensus.Snapshot;

namespace Ledger.Node.Snapshots;

/// <summary>
/// The follower's side of <c>InstallSnapshot</c>. One transfer at a time: chunks are written to the
/// staging directory at their offsets (a call whose first chunk carries no data is a probe answered
/// with the staged length, which is how a broken transfer resumes); after the last chunk the copy is
/// verified (sizes, SHA-256) and moved to ready, then handed to Raft as a snapshot message from the
/// sender. Raft persists it and the apply thread installs the state (<see cref="StateSnapshotRestorer"/>);
/// the call is answered complete only once the applied index reached the snapshot's.
/// Refused before a byte is staged: a sender that is not the current term's leader, a manifest of
/// another chain, a last header that does not hash to the manifest's last block hash or is not
/// certified by a quorum; refused before Raft sees it: a staged state that does not reproduce the
/// certified header's state root (see <see cref="SnapshotAcceptance"/>).
/// </summary>
public sealed partial class SnapshotReceiver(
    ChainContext chain,
    ulong localRaftId,
    BlockStore blocks,
    SnapshotStaging staging,
    Func<Message, bool> deliverToRaft,
    SnapshotAcceptance acceptance,
    SnapshotTransferOptions options,
    TimeProvider timeProvider,
    ILogger logger,
    DiskSpace.DiskSpaceGuard? diskSpace = null,
    string? databaseDirectory = null)
{
    /// <summary>
    /// Free space a transfer needs, as multiples of the snapshot's size, beyond what is already staged, when the
    /// staged files cannot be hard-linked into the database: the acceptance check installs them into a scratch
    /// database (one copy) and the apply thread into the live one (another), while the staged copy is still on disk.
    /// With links (<see cref="SnapshotFileLinks"/>, the staging area inside the data directory) neither install
    /// copies: the transfer needs the staged bytes only.
    /// </summary>
    public const int InstallCopiesBeyondStaging = 2;

    private int? installCopies;

    /// <summary>Copies beyond the staged one that installing takes here: 0 where the staging area links into the database's file system.</summary>
    public int InstallCopies => installCopies ??=
        databaseDirectory is not null && SnapshotFileLinks.CanLink(staging.RootDirectory, databaseDirectory) ? 0 : InstallCopiesBeyondStaging;

    /// <summary>Transfers are serialized: one staging directory, one writer.</summary>
    private readonly SemaphoreSlim transferGate = new(1, 1);

    public SnapshotStaging Staging => staging;

    public async Task<SnapshotAck> ReceiveAsync(IAsyncStreamReader<SnapshotChunk> chunks, ulong senderRaftId, CancellationToken token)
    {
        if (!await chunks.MoveNext(token).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "empty snapshot stream"));
        }

        var first = chunks.Current;
        var manifest = first.Manifest ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "the first snapshot chunk of a call must carry the manifest"));
        CheckManifest(manifest, first.Term);
        CheckSenderLeads(senderRaftId, first.Term);
        var total = SnapshotManifests.TotalBytes(manifest);
        if (manifest.Meta.Index <= blocks.AppliedRaftIndex)
        {
            // Already at or past it: nothing to install, and Raft must not be offered an older state.
            return new SnapshotAck { Complete = true, NextOffset = total };
        }

        if (acceptance.CertificationRefusal(manifest, first.LastHeaderAttestations) is { } uncertified)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, uncertified));
        }

        CheckExtendsOurChain(manifest);
        if (!await transferGate.WaitAsync(TimeSpan.Zero, token).ConfigureAwait(false))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "another snapshot transfer is in progress"));
        }

        try
        {
            var staged = Stage(() => staging.Begin(manifest));
            CheckRoomFor(manifest, total, staged);
            if (first.Data.IsEmpty && !first.Last)
            {
                return new SnapshotAck { NextOffset = staged };
            }

            var chunk = first;
            while (true)
            {
                if (chunk.Data.Length > options.ChunkBytes)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"snapshot chunk of {chunk.Data.Length} bytes exceeds {options.ChunkBytes}"));
                }

                if (staged < total)
                {
                    try
                    {
                        Stage(() => staging.Write(chunk.Offset, chunk.Data.Span));
                    }
                    catch (SnapshotOffsetMismatchException mismatch)
                    {
                        return new SnapshotAck { NextOffset = mismatch.ExpectedOffset };
                    }

                    staged = staging.ReceivedBytes;
                }

                if (chunk.Last)
                {
                    break;
                }

                if (!await chunks.MoveNext(token).ConfigureAwait(false))
                {
                    // The sender stopped early; it resumes from here.
                    return new SnapshotAck { NextOffset = staged };
                }

                chunk = chunks.Current;
            }

            if (staging.FindReady(manifest) is null)
            {
                Stage(staging.Complete);
                LogStaged(logger, senderRaftId, manifest.Meta.Index, total);
            }

            CheckStateRoot(manifest);
        }
        finally
        {
            transferGate.Release();
        }

        // Leadership may have moved while the bytes were in flight.
        CheckSenderLeads(senderRaftId, first.Term);
        await InstallAsync(manifest, first.Term, senderRaftId, token).ConfigureAwait(false);
        return new SnapshotAck { Complete = true, NextOffset = total };
    }

    /// <summary>Offers the verified snapshot to Raft and waits until the apply thread installed it (or the log overtook it).</summary>
    private async Task InstallAsync(SnapshotManifest manifest, ulong term, ulong senderRaftId, CancellationToken token)
    {
        var voters = manifest.Meta.Voters.ToArray();
        var learners = manifest.Meta.Learners.ToArray();
        var message = new Message
        {
            Type = MessageType.Snap,
            From = senderRaftId,
            To = localRaftId,
            Term = term,
            Snapshot = new Snapshot(new SnapshotMetadata(manifest.Meta.Index, manifest.Meta.Term, new ConfState(voters, learners)), manifest.ToByteArray()),
        };
        if (!deliverToRaft(message))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the consensus input queue is full; retry"));
        }

        var deadline = timeProvider.GetTimestamp() + (long)(options.InstallWaitMilliseconds / 1000.0 * timeProvider.TimestampFrequency);
        while (blocks.AppliedRaftIndex < manifest.Meta.Index)
        {
            if (timeProvider.GetTimestamp() > deadline)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"the snapshot at raft index {manifest.Meta.Index} is staged but was not installed within {options.InstallWaitMilliseconds} ms"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), timeProvider, token).ConfigureAwait(false);
        }

        LogInstalled(logger, manifest.Meta.Index, manifest.Height);
    }

    /// <summary>
    /// Refuses, before a byte more is staged, a snapshot this node's disk cannot hold through its install, so a
    /// leader does not send gigabytes that will be discarded (a 100M-item learner took a 16.8 GB snapshot twice
    /// and refused it twice for lack of space). The sender retries later, as for a busy receiver.
    /// </summary>
    private void CheckRoomFor(SnapshotManifest manifest, ulong total, ulong staged)
    {
        if (diskSpace is null)
        {
            return;
        }

        diskSpace.Refresh();
        var needed = (decimal)(total - Math.Min(staged, total)) + InstallCopies * (decimal)total + diskSpace.ReserveBytes;
        if (diskSpace.FreeBytes < needed)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"no room for the snapshot at raft index {manifest.Meta.Index}: it is {total} bytes, {staged} staged; staging and installing it needs {needed} bytes free (with the reserve of {diskSpace.ReserveBytes}; {InstallCopies} install copies beyond the staged one), {diskSpace.FreeBytes} are"));
        }
    }

    private void CheckSenderLeads(ulong senderRaftId, ulong term)
    {
        if (acceptance.SenderRefusal(senderRaftId, term) is { } refusal)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }
    }

    /// <summary>The staged state must reproduce the certified header's state root; a copy that does not is discarded.</summary>
    private void CheckStateRoot(SnapshotManifest manifest)
    {
        var ready = staging.FindReady(manifest)
            ?? throw new RpcException(new Status(StatusCode.Internal, $"the snapshot at raft index {manifest.Meta.Index} was staged but its ready copy is missing"));
        if (acceptance.StateRootRefusal(ready, manifest) is { } refusal)
        {
            staging.RemoveReadyUpTo(manifest.Meta.Index);
            LogStateRootRefused(logger, manifest.Meta.Index, manifest.Height, refusal);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, refusal));
        }
    }

    private void CheckManifest(SnapshotManifest manifest, ulong term)
    {
        try
        {
            SnapshotManifests.Validate(manifest, chain.ChainId);
        }
        catch (SnapshotRejectedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }

        if (term == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first snapshot chunk of a call must carry the sender's term"));
        }

        if (manifest.Height > 0 && !BlockHash.Compute(manifest.LastHeader, chain.Hash).AsSpan().SequenceEqual(manifest.LastBlockHash.Span))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "the snapshot's last header does not hash to its last block hash"));
        }
    }

    /// <summary>What can be checked before the transfer: the snapshot's chain is not shorter than ours and, one block ahead, links to our tip (the full check runs after install).</summary>
    private void CheckExtendsOurChain(SnapshotManifest manifest)
    {
        var tip = blocks.Tip;
        if (manifest.Height < tip.Height)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"the snapshot's chain (height {manifest.Height}) is shorter than this node's (height {tip.Height})"));
        }

        if (manifest.Height == tip.Height + 1 && tip.Height > 0 && !manifest.LastHeader.PrevBlockHash.Span.SequenceEqual(tip.BlockHash))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"the snapshot's last block does not link to this node's block {tip.Height}"));
        }
    }

    private static T Stage<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SnapshotRejectedException e)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, e.Message));
        }
    }

    private static void Stage(Action action) => Stage(() =>
    {
        action();
        return 0;
    });

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Snapshot from raft node {Sender} at raft index {Index} ({Bytes} bytes) received and verified")]
    private static partial void LogStaged(ILogger logger, ulong sender, ulong index, ulong bytes);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Snapshot at raft index {Index} (height {Height}) refused: {Reason}; the staged copy was discarded")]
    private static partial void LogStateRootRefused(ILogger logger, ulong index, ulong height, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Snapshot at raft index {Index} installed: height {Height}")]
    private static partial void LogInstalled(ILogger logger, ulong index, ulong height);
}
