using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;
using Ledger.Registry.Applying;

namespace Ledger.Node.Tests.Applying;

public sealed class EntryBatchCodecTests
{
    private static readonly IHashAlgorithm Hash = Sha256HashAlgorithm.Instance;

    [Test]
    public void DecodeTransaction_OfCanonicalBytes_GivesTheProtocolTransactionHash()
    {
        var transaction = new SignedTransaction { Envelope = new TransactionEnvelope { ChainId = "c", Nonce = 1 }.ToByteString(), Signature = ByteString.CopyFrom(new byte[64]) };
        var bytes = ByteString.CopyFrom(TransactionHashing.EncodeLeaf(transaction));

        var decoded = EntryBatchCodec.DecodeTransaction(bytes, Hash);

        Assert.That(decoded.TransactionHash, Is.EqualTo(TransactionHashing.ComputeHash(Hash, transaction)));
        Assert.That(decoded.Envelope, Is.Not.Null);
        Assert.That(decoded.Undecodable, Is.Null);
    }

    [Test]
    public void DecodeTransaction_OfFieldsInAnotherOrder_IsRecordedAsCommittedAndRejected_NonCanonicalEncoding()
    {
        // Same fields, same length, signature first: parses to the same transaction but is not the canonical leaf.
        var signature = new byte[64];
        var swapped = new byte[] { 0x12, 64 }.Concat(signature).Concat(new byte[] { 0x0A, 4, 1, 2, 3, 4 }).ToArray();

        var decoded = EntryBatchCodec.DecodeTransaction(ByteString.CopyFrom(swapped), Hash);

        Assert.That(decoded.Undecodable!.Undecodable!.Reason, Is.EqualTo(RejectionReason.NonCanonicalEncoding));
        Assert.That(decoded.Recorded.Envelope.ToByteArray(), Is.EqualTo(swapped), "the block keeps the committed bytes, wrapped");
        Assert.That(decoded.Recorded.Signature.IsEmpty, Is.True);
        Assert.That(decoded.TransactionHash, Is.EqualTo(TransactionHashing.ComputeHash(Hash, decoded.Recorded)), "the block's ordinary hashing applies to the record");
    }

    [Test]
    public void DecodeTransaction_OfBytesThatDoNotParse_IsRecordedWrappedAndRejected_MalformedTransaction()
    {
        var garbage = ByteString.CopyFrom([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]);

        var decoded = EntryBatchCodec.DecodeTransaction(garbage, Hash);

        Assert.That(decoded.Undecodable!.Undecodable!.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(decoded.Recorded.Envelope, Is.EqualTo(garbage));
    }

    [Test]
    public void DecodeTransaction_WhoseEnvelopeDoesNotParse_IsRecordedAsItIsAndRejected_MalformedTransaction()
    {
        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom([0xFF, 0xFF]), Signature = ByteString.CopyFrom(new byte[64]) };

        var decoded = EntryBatchCodec.DecodeTransaction(ByteString.CopyFrom(TransactionHashing.EncodeLeaf(transaction)), Hash);

        Assert.That(decoded.Undecodable!.Undecodable!.Reason, Is.EqualTo(RejectionReason.MalformedTransaction));
        Assert.That(decoded.Recorded, Is.EqualTo(transaction));
        Assert.That(decoded.TransactionHash, Is.EqualTo(TransactionHashing.ComputeHash(Hash, transaction)));
    }

    [Test]
    public void TryDecode_BatchNamingAProposerNoHeaderCanHold_IsRefused()
    {
        var data = EntryBatchCodec.Encode(1, new string('n', 5_000), []);

        var decoded = EntryBatchCodec.TryDecode(new Entry(1, 3, EntryType.Normal, data), out _, out var problem);

        Assert.That(decoded, Is.False);
        Assert.That(problem, Does.Contain("5000 bytes"));
    }

    [Test]
    public void TryDecode_EntryThatIsNotABatch_IsRefusedWithABoundedProblem()
    {
        var entry = new Entry(5, 2, EntryType.Normal, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF });

        var decoded = EntryBatchCodec.TryDecode(entry, out _, out var problem);

        Assert.That(decoded, Is.False);
        Assert.That(problem, Does.Contain("11 bytes"));
        Assert.That(problem.Length, Is.LessThan(400));
    }
}
