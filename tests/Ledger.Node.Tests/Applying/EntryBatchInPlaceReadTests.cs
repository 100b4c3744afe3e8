using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Node.Applying;

namespace Ledger.Node.Tests.Applying;

/// <summary>
/// <see cref="EntryBatchCodec.ParseBatch"/> and <see cref="EntryBatchCodec.ParseTransaction"/> read a committed
/// entry's transactions as views of its bytes, not copies; whatever the bytes, they give exactly what the
/// protobuf parser gives (or throw as it throws), so every node still reads every entry the same way.
/// </summary>
public sealed class EntryBatchInPlaceReadTests
{
    private static readonly byte[] Signature = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    public static IEnumerable<TestCaseData> Batches()
    {
        var plain = Batch(1_700_000_000_000, "node-1", Transaction([1, 2, 3], withItems: true), Transaction([4], withItems: false)).ToByteArray();
        yield return new TestCaseData(plain).SetName("plain batch");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("empty bytes");
        yield return new TestCaseData(Batch(0, "", []).ToByteArray()).SetName("no transactions");
        // Stamp fields repeated and after the transactions: the last one counts, as in the parser.
        yield return new TestCaseData(plain.Concat(Batch(7, "node-2", []).ToByteArray()).ToArray()).SetName("repeated stamp fields");
        yield return new TestCaseData(plain.Concat(new byte[] { 0x20, 0x01 }).ToArray()).SetName("unknown varint field");
        yield return new TestCaseData(plain.Concat(new byte[] { 0x1A, 0x05, 0x01 }).ToArray()).SetName("truncated transaction");
        yield return new TestCaseData(new byte[] { 0x12, 0x02, 0xC3, 0x28 }).SetName("proposer not UTF-8");
        yield return new TestCaseData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }).SetName("varint past 64 bits");
        yield return new TestCaseData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }).SetName("negative timestamp");
    }

    [TestCaseSource(nameof(Batches))]
    public void ParseBatch_AnyBytes_GivesWhatTheParserGives(byte[] data)
    {
        var expected = Parse(() => EntryBatch.Parser.ParseFrom(data));

        var actual = Parse(() => EntryBatchCodec.ParseBatch(data));

        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void ParseBatch_PlainBatch_TransactionsAreViewsOfTheEntryNotCopies()
    {
        var data = Batch(1, "node-1", Transaction([1, 2, 3], withItems: true)).ToByteArray();

        var batch = EntryBatchCodec.ParseBatch(data);
        var transaction = EntryBatchCodec.ParseTransaction(batch.Transactions[0]);
        data[^1] ^= 0xFF; // only to observe aliasing: committed entry data is never written

        Assert.That(transaction.DetachedItems.Span[^1], Is.EqualTo(data[^1]), "the detached items are the entry's own bytes");
    }

    public static IEnumerable<TestCaseData> Transactions()
    {
        var canonical = Transaction([1, 2, 3], withItems: true).ToByteArray();
        yield return new TestCaseData(canonical).SetName("canonical with items");
        yield return new TestCaseData(Transaction([9], withItems: false).ToByteArray()).SetName("canonical without items");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("empty");
        var swapped = new byte[] { 0x12, 1, 7, 0x0A, 1, 8 };
        yield return new TestCaseData(swapped).SetName("fields out of order");
        yield return new TestCaseData(new byte[] { 0x0A, 1, 7, 0x0A, 1, 8 }).SetName("field repeated");
        yield return new TestCaseData(canonical.Concat(new byte[] { 0x20, 0x01 }).ToArray()).SetName("unknown field");
        yield return new TestCaseData(new byte[] { 0x0A, 0x09, 0x01 }).SetName("truncated field");
        yield return new TestCaseData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }).SetName("length past the end");
    }

    [TestCaseSource(nameof(Transactions))]
    public void ParseTransaction_AnyBytes_GivesWhatTheParserGives(byte[] data)
    {
        var bytes = ByteString.CopyFrom(data);
        var expected = Parse(() => SignedTransaction.Parser.ParseFrom(bytes));

        var actual = Parse(() => EntryBatchCodec.ParseTransaction(bytes));

        Assert.That(actual, Is.EqualTo(expected));
    }

    /// <summary>
    /// A differential fuzzer: seeded mutations of real batches and transactions (flipped bits, truncations,
    /// inserted and overwritten bytes, spliced tails) read both ways. A disagreement is a consensus split
    /// between nodes reading the same entry, so every case is compared, and a failure names its seed and case.
    /// </summary>
    [TestCase(20261207UL)]
    [TestCase(7UL)]
    public void ParseBatchAndTransaction_SeededMutations_AgreeWithTheParserOnEveryCase(ulong seed)
    {
        const int cases = 4_000;
        var random = new Random(unchecked((int)seed));
        byte[][] seeds =
        [
            Batch(1_700_000_000_000, "node-1", Transaction([1, 2, 3], withItems: true), Transaction([4], withItems: false)).ToByteArray(),
            Batch(5, "n", Transaction([9, 9], withItems: true)).ToByteArray(),
            Transaction([1, 2, 3], withItems: true).ToByteArray(),
            Transaction([4], withItems: false).ToByteArray(),
        ];
        for (var i = 0; i < cases; i++)
        {
            var data = Mutate(seeds[random.Next(seeds.Length)], random);

            var expectedBatch = Parse(() => EntryBatch.Parser.ParseFrom(data));
            var actualBatch = Parse(() => EntryBatchCodec.ParseBatch(data));
            Assert.That(actualBatch, Is.EqualTo(expectedBatch), $"batch: seed {seed}, case {i}, bytes {Convert.ToHexString(data)}");

            var bytes = ByteString.CopyFrom(data);
            var expectedTransaction = Parse(() => SignedTransaction.Parser.ParseFrom(bytes));
            var actualTransaction = Parse(() => EntryBatchCodec.ParseTransaction(bytes));
            Assert.That(actualTransaction, Is.EqualTo(expectedTransaction), $"transaction: seed {seed}, case {i}, bytes {Convert.ToHexString(data)}");
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations && data.Count > 0; m++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(5))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 2:
                    data.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    data[at] = (byte)random.Next(256);
                    break;
                default:
                    var length = random.Next(1, Math.Min(16, data.Count - at) + 1);
                    data.AddRange(data.GetRange(at, length));
                    break;
            }
        }

        return [.. data];
    }

    /// <summary>The parsed message, or the type of what it threw: both readers must agree on either.</summary>
    private static object Parse(Func<IMessage> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e)
        {
            return e.GetType();
        }
    }

    private static EntryBatch Batch(long timestamp, string proposer, params SignedTransaction[] transactions)
    {
        var batch = new EntryBatch { TimestampUnixMs = timestamp, ProposerNodeId = proposer };
        foreach (var transaction in transactions)
        {
            batch.Transactions.Add(transaction.ToByteString());
        }

        return batch;
    }

    private static SignedTransaction Transaction(byte[] envelope, bool withItems) => new()
    {
        Envelope = ByteString.CopyFrom(envelope),
        Signature = ByteString.CopyFrom(Signature),
        DetachedItems = withItems ? ByteString.CopyFrom(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray()) : ByteString.Empty,
    };
}
