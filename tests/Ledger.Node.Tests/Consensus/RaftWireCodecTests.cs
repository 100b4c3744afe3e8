using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Consensus;

namespace Ledger.Node.Tests.Consensus;

/// <summary>The recovery fields of a Raft message cross the wire unchanged, and an oversized watermark list is refused.</summary>
[TestFixture]
public sealed class RaftWireCodecTests
{
    [Test]
    public void ToWireFromWire_RecoveryFields_RoundTrip()
    {
        var message = new Message
        {
            Type = MessageType.Heartbeat,
            From = 2,
            To = 1,
            Term = 5,
            Incarnation = 7,
            Recovering = true,
            VotersHeardIncarnation = 3,
            Watermarks = AcknowledgedWatermarks.Of([new AcknowledgedWatermark(1, new LogPosition(10, 5)), new AcknowledgedWatermark(3, new LogPosition(9, 4))]),
        };

        var decoded = RaftWireCodec.FromWire(RaftMessage.Parser.ParseFrom(RaftWireCodec.ToWire(message).ToByteArray()));

        Assert.That(decoded.Incarnation, Is.EqualTo(7UL));
        Assert.That(decoded.Recovering, Is.True);
        Assert.That(decoded.VotersHeardIncarnation, Is.EqualTo(3UL));
        Assert.That(decoded.Watermarks, Is.EqualTo(message.Watermarks));
    }

    [Test]
    public void ToWireFromWire_VoteWatermark_RoundTrips()
    {
        var vote = new Message { Type = MessageType.Vote, From = 2, To = 1, Term = 6, Index = 10, LogTerm = 5, AckedWatermark = new LogPosition(12, 5) };

        var decoded = RaftWireCodec.FromWire(RaftMessage.Parser.ParseFrom(RaftWireCodec.ToWire(vote).ToByteArray()));

        Assert.That(decoded.AckedWatermark, Is.EqualTo(new LogPosition(12, 5)));
    }

    [Test]
    public void FromWire_MoreWatermarksThanTheBound_ThrowsFormatException()
    {
        var wire = new RaftMessage { Type = (uint)MessageType.Heartbeat, From = 2, To = 1, Term = 5 };
        for (ulong id = 1; id <= (ulong)AcknowledgedWatermarks.NodesMax + 1; id++)
        {
            wire.Watermarks.Add(new RaftWatermark { NodeId = id, Index = 1, Term = 1 });
        }

        Assert.Throws<FormatException>(() => RaftWireCodec.FromWire(wire));
    }
}
