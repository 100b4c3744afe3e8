using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;

namespace Ledger.Node.Tests.Applying;

public sealed class EntryStampTests
{
    [TestCase(0L, "")]
    [TestCase(1_765_000_000_000L, "node-1")]
    [TestCase(-5L, "n")]
    [TestCase(long.MaxValue, "a-node-id-of-sixty-four-bytes-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void TryRead_EncodedBatch_TheStampTheLeaderWrote(long timestampUnixMs, string proposer)
    {
        var data = Ledger.Node.Applying.EntryBatchCodec.Encode(timestampUnixMs, proposer, [[1, 2, 3], [4]]);

        var read = EntryStamp.TryRead(data, out var stamp);

        Assert.That(read, Is.True);
        Assert.That(stamp, Is.EqualTo(new EntryStamp(timestampUnixMs, proposer)));
    }

    [Test]
    public void TryRead_FieldsInAnotherOrder_FullParseGivesTheSameStamp()
    {
        var output = new MemoryStream();
        var coded = new CodedOutputStream(output);
        coded.WriteTag(3, WireFormat.WireType.LengthDelimited);
        coded.WriteBytes(ByteString.CopyFrom(1, 2));
        coded.WriteTag(2, WireFormat.WireType.LengthDelimited);
        coded.WriteString("node-3");
        coded.WriteTag(1, WireFormat.WireType.Varint);
        coded.WriteInt64(42);
        coded.Flush();

        var read = EntryStamp.TryRead(output.ToArray(), out var stamp);

        Assert.That(read, Is.True);
        Assert.That(stamp, Is.EqualTo(new EntryStamp(42, "node-3")));
    }

    [Test]
    public void TryRead_BytesThatAreNoBatch_False()
    {
        var read = EntryStamp.TryRead([0xFF, 0xFF, 0xFF], out _);

        Assert.That(read, Is.False);
    }

    [Test]
    public void TryRead_ProposerIdOfThreeHundredBytes_ReadWhole()
    {
        var batch = new EntryBatch { TimestampUnixMs = 7, ProposerNodeId = new string('p', 300) };

        var read = EntryStamp.TryRead(batch.ToByteArray(), out var stamp);

        Assert.That(read, Is.True);
        Assert.That(stamp.ProposerNodeId, Has.Length.EqualTo(300));
    }

    [Test]
    public void TryRead_StampRepeatedAfterTheTransactions_TheLastOneAsTheFullParseReadsIt()
    {
        // A leader could write a plausible stamp first and another after the transactions; apply reads the last.
        var first = Ledger.Node.Applying.EntryBatchCodec.Encode(1_000, "node-1", [[1, 2, 3]]);
        var later = new EntryBatch { TimestampUnixMs = 9_000_000_000_000, ProposerNodeId = "node-2" }.ToByteArray();
        var data = first.Concat(later).ToArray();

        var read = EntryStamp.TryRead(data, out var stamp);

        var parsed = EntryBatch.Parser.ParseFrom(data);
        Assert.That(read, Is.True);
        Assert.That(stamp, Is.EqualTo(new EntryStamp(parsed.TimestampUnixMs, parsed.ProposerNodeId)));
        Assert.That(stamp.TimestampUnixMs, Is.EqualTo(9_000_000_000_000));
    }
}
