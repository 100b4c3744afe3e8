using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;

namespace Ledger.Fuzz;

/// <summary>
/// Builds one mutated Raft frame around a target node's real state: every kind (and unknown kinds),
/// terms near the target's (and far), indexes near its log, entries contiguous or not with sane or
/// insane terms and random or conf-change payloads, contexts of every short length, random commit
/// indexes and hints. Frames that claim leadership (App, Heartbeat, Snap) never exceed the target's
/// term (see <see cref="PeerFrameFuzzer"/> for why).
/// </summary>
public static class RaftFrameMutator
{
    private const uint KindsMax = (uint)MessageType.PreVoteResp;

    public static RaftMessage Next(Random random, ulong from, ulong to, ulong term, ulong lastIndex, ulong committed)
    {
        ArgumentNullException.ThrowIfNull(random);
        var type = random.Next(40) == 0 ? (uint)random.Next(19, 300) : (uint)random.Next(0, (int)KindsMax + 1);
        var claimsLeadership = type is (uint)MessageType.App or (uint)MessageType.Heartbeat or (uint)MessageType.Snap;
        var message = new RaftMessage
        {
            Type = type,
            From = random.Next(50) == 0 ? (ulong)random.NextInt64() : from,
            To = random.Next(50) == 0 ? (ulong)random.NextInt64() : to,
            Term = claimsLeadership ? Below(random, term) : Term(random, term),
            LogTerm = Term(random, term),
            Index = Index(random, lastIndex),
            Commit = Index(random, Math.Max(committed, lastIndex)),
            Reject = random.Next(2) == 0,
            RejectHint = Index(random, lastIndex),
            HintTerm = Term(random, term),
        };
        AddRecoveryFields(random, message, from, to, term, lastIndex);
        if (random.Next(3) == 0)
        {
            message.Context = ByteString.CopyFrom(Bytes(random, random.Next(4) == 0 ? 8 : random.Next(0, 20)));
        }

        if (type == (uint)MessageType.App || random.Next(10) == 0)
        {
            AddEntries(random, message);
        }

        if (random.Next(30) == 0)
        {
            message.Snapshot = new RaftSnapshotMeta { Index = Index(random, lastIndex), Term = Term(random, term) };
            message.Snapshot.Voters.Add(to);
            message.SnapshotData = ByteString.CopyFrom(Bytes(random, random.Next(0, 64)));
        }

        return message;
    }

    /// <summary>
    /// The protocol-aware-recovery fields (15–20): incarnations, the recovering mark, acknowledged watermarks near and
    /// far beyond the target's log, and watermark lists up to and past the peer bound.
    /// </summary>
    private static void AddRecoveryFields(Random random, RaftMessage message, ulong from, ulong to, ulong term, ulong lastIndex)
    {
        if (random.Next(2) == 0)
        {
            message.Incarnation = random.Next(4) == 0 ? (ulong)random.NextInt64() : (ulong)random.Next(0, 4);
        }

        message.Recovering = random.Next(8) == 0;
        if (random.Next(6) == 0)
        {
            message.AckedWatermarkIndex = Index(random, lastIndex);
            message.AckedWatermarkTerm = Term(random, term);
        }

        if (random.Next(6) == 0)
        {
            var count = random.Next(12) == 0 ? random.Next(60, 80) : random.Next(0, 4);
            for (var i = 0; i < count; i++)
            {
                var node = random.Next(3) switch { 0 => from, 1 => to, _ => (ulong)random.Next(0, 6) };
                message.Watermarks.Add(new RaftWatermark { NodeId = node, Index = Index(random, lastIndex), Term = Term(random, term) });
            }
        }

        if (random.Next(10) == 0)
        {
            message.VotersHeardIncarnation = (ulong)random.Next(0, 4);
        }
    }

    /// <summary>
    /// A hostile voter's recovery claim: a vote or pre-vote request for the next term, or a vote refusal, that tells
    /// the target it acknowledged a position its log does not reach (just beyond it, far beyond it, or at an index no
    /// log will ever reach), mostly of a term the boundary lets through (below the request's, up to the refusal's),
    /// sometimes of one it must refuse.
    /// </summary>
    public static RaftMessage NextRecoveryClaim(Random random, ulong from, ulong to, ulong term, ulong lastIndex)
    {
        ArgumentNullException.ThrowIfNull(random);
        var kind = random.Next(4);
        var isRequest = kind < 2;
        var messageTerm = isRequest ? term + 1 : term;
        var claimTerm = random.Next(10) == 0 ? messageTerm + (ulong)random.Next(0, 2) : Math.Max(1, term - (ulong)random.Next(0, (int)Math.Min(term, 3UL)));
        var claimIndex = random.Next(3) switch
        {
            0 => lastIndex + (ulong)random.Next(1, 20),
            1 => 1UL << 62,
            _ => (ulong)random.NextInt64(1, long.MaxValue),
        };
        return new RaftMessage
        {
            Type = kind switch
            {
                0 => (uint)MessageType.Vote,
                1 => (uint)MessageType.PreVote,
                2 => (uint)MessageType.VoteResp,
                _ => (uint)MessageType.PreVoteResp,
            },
            From = from,
            To = to,
            Term = messageTerm,
            Index = isRequest ? lastIndex : 0,
            LogTerm = isRequest ? term : 0,
            Reject = !isRequest,
            AckedWatermarkIndex = claimIndex,
            AckedWatermarkTerm = claimTerm,
        };
    }

    private static void AddEntries(Random random, RaftMessage message)
    {
        var count = random.Next(0, 6);
        var contiguous = random.Next(3) != 0;
        var entryTerm = Math.Max(1, message.LogTerm);
        for (var i = 0; i < count; i++)
        {
            var entry = new RaftEntry
            {
                Index = contiguous ? message.Index + 1 + (ulong)i : Index(random, message.Index + 3),
                Term = random.Next(5) == 0 ? Term(random, message.Term) : entryTerm,
                Type = random.Next(10) == 0 ? (uint)EntryType.ConfChange : random.Next(50) == 0 ? (uint)random.Next(2, 10) : (uint)EntryType.Normal,
            };
            entry.Data = entry.Type == (uint)EntryType.ConfChange && random.Next(2) == 0
                ? ByteString.CopyFrom(new ConfChange((ConfChangeType)random.Next(0, 3), (ulong)random.Next(1, 5)).Encode())
                : ByteString.CopyFrom(Bytes(random, random.Next(0, 300)));
            message.Entries.Add(entry);
        }
    }

    private static ulong Term(Random random, ulong term) => random.Next(10) switch
    {
        0 => 0,
        1 => (ulong)random.NextInt64(long.MaxValue),
        2 => ulong.MaxValue,
        3 => term + 1,
        _ => Below(random, term),
    };

    private static ulong Below(Random random, ulong term) => term == 0 ? 0 : term - (ulong)random.Next(0, (int)Math.Min(term, 3UL));

    private static ulong Index(Random random, ulong around) => random.Next(8) switch
    {
        0 => 0,
        1 => ulong.MaxValue - (ulong)random.Next(0, 3),
        2 => (ulong)random.NextInt64(long.MaxValue),
        _ => (ulong)Math.Max(0L, (long)Math.Min(around, long.MaxValue / 2) + random.Next(-5, 6)),
    };

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
