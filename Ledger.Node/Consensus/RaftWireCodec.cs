using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;

namespace Ledger.Node.Consensus;

/// <summary>
/// Maps Raft messages between the consensus core's types and the peer wire format. Pure field
/// copies; unknown message or entry types from the wire are refused, never guessed.
/// </summary>
public static class RaftWireCodec
{
    private const byte MessageTypeMax = (byte)MessageType.PreVoteResp;

    public static RaftMessage ToWire(Message message)
    {
        var wire = new RaftMessage
        {
            Type = (uint)message.Type,
            To = message.To,
            From = message.From,
            Term = message.Term,
            LogTerm = message.LogTerm,
            Index = message.Index,
            Commit = message.Commit,
            Reject = message.Reject,
            RejectHint = message.RejectHintIndex,
            HintTerm = message.RejectHintTerm,
            Incarnation = message.Incarnation,
            Recovering = message.Recovering,
            AckedWatermarkIndex = message.AckedWatermark.Index,
            AckedWatermarkTerm = message.AckedWatermark.Term,
            VotersHeardIncarnation = message.VotersHeardIncarnation,
        };
        foreach (var watermark in message.Watermarks.Items)
        {
            wire.Watermarks.Add(new RaftWatermark { NodeId = watermark.NodeId, Index = watermark.Position.Index, Term = watermark.Position.Term });
        }

        if (!message.Context.IsEmpty)
        {
            wire.Context = UnsafeByteOperations.UnsafeWrap(message.Context);
        }

        foreach (var entry in message.Entries)
        {
            wire.Entries.Add(ToWire(entry));
        }

        if (message.Snapshot is { } snapshot)
        {
            wire.Snapshot = ToWire(snapshot.Metadata);
            wire.SnapshotData = UnsafeByteOperations.UnsafeWrap(snapshot.Data);
        }

        return wire;
    }

    public static RaftEntry ToWire(Entry entry) => new()
    {
        Term = entry.Term,
        Index = entry.Index,
        Type = (uint)entry.Type,
        Data = UnsafeByteOperations.UnsafeWrap(entry.Data),
    };

    public static RaftSnapshotMeta ToWire(SnapshotMetadata metadata)
    {
        var wire = new RaftSnapshotMeta { Index = metadata.Index, Term = metadata.Term };
        wire.Voters.Add(metadata.ConfState.Voters);
        wire.Learners.Add(metadata.ConfState.Learners);
        return wire;
    }

    /// <exception cref="FormatException">The wire message carries an unknown type or an impossible field.</exception>
    public static Message FromWire(RaftMessage wire)
    {
        if (wire.Type > MessageTypeMax)
        {
            throw new FormatException($"unknown raft message type {wire.Type}");
        }

        var entries = wire.Entries.Count == 0 ? [] : new Entry[wire.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = FromWire(wire.Entries[i]);
        }

        var watermarks = AcknowledgedWatermarks.Empty;
        if (wire.Watermarks.Count > 0)
        {
            // Of refuses more than PeerMessageBounds.WatermarksMax nodes, node 0 and empty positions.
            try
            {
                watermarks = AcknowledgedWatermarks.Of(wire.Watermarks.Select(w => new AcknowledgedWatermark(w.NodeId, new LogPosition(w.Index, w.Term))));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"invalid acknowledged watermarks: {ex.Message}", ex);
            }
        }

        Snapshot? snapshot = null;
        if (wire.Snapshot is { } meta)
        {
            snapshot = new Snapshot(FromWire(meta), wire.SnapshotData.Memory);
        }

        return new Message
        {
            Type = (MessageType)wire.Type,
            To = wire.To,
            From = wire.From,
            Term = wire.Term,
            LogTerm = wire.LogTerm,
            Index = wire.Index,
            Entries = entries,
            Commit = wire.Commit,
            Snapshot = snapshot,
            Reject = wire.Reject,
            RejectHintIndex = wire.RejectHint,
            RejectHintTerm = wire.HintTerm,
            Context = wire.Context.Memory,
            Incarnation = wire.Incarnation,
            Recovering = wire.Recovering,
            AckedWatermark = new LogPosition(wire.AckedWatermarkIndex, wire.AckedWatermarkTerm),
            VotersHeardIncarnation = wire.VotersHeardIncarnation,
            Watermarks = watermarks,
        };
    }

    public static Entry FromWire(RaftEntry wire)
    {
        if (wire.Type > (uint)EntryType.ConfChange)
        {
            throw new FormatException($"unknown raft entry type {wire.Type}");
        }

        return new Entry(wire.Term, wire.Index, (EntryType)wire.Type, wire.Data.Memory);
    }

    public static SnapshotMetadata FromWire(RaftSnapshotMeta wire)
    {
        var voters = new ulong[wire.Voters.Count];
        wire.Voters.CopyTo(voters, 0);
        var learners = new ulong[wire.Learners.Count];
        wire.Learners.CopyTo(learners, 0);
        try
        {
            return new SnapshotMetadata(wire.Index, wire.Term, new ConfState(voters, learners));
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"invalid snapshot membership: {ex.Message}", ex);
        }
    }
}
