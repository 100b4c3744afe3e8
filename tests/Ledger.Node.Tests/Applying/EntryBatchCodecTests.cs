using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;

namespace Ledger.Node.Tests.Applying;

public sealed class EntryBatchCodecTests
{
    private static readonly Entry AnyEntry = new(1, 7, EntryType.Normal, ReadOnlyMemory<byte>.Empty);

    [Test]
    public void HashTransaction_OfCanonicalBytes_IsTheProtocolTransactionHash()
    {
        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom([1, 2, 3, 4]), Signature = ByteString.CopyFrom(new byte[64]) };
        var bytes = ByteString.CopyFrom(TransactionHashing.EncodeLeaf(transaction));

        var hash = EntryBatchCodec.HashTransaction(AnyEntry, bytes, SignedTransaction.Parser.ParseFrom(bytes), Sha256HashAlgorithm.Instance);

        Assert.That(hash, Is.EqualTo(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction)));
    }

    [Test]
    public void HashTransaction_OfFieldsInAnotherOrder_StopsTheNodeInsteadOfHashingOtherBytes()
    {
        // Same fields, same length, signature first: parses to the same transaction but is not the canonical leaf.
        var signature = new byte[64];
        var swapped = new byte[] { 0x12, 64 }.Concat(signature).Concat(new byte[] { 0x0A, 4, 1, 2, 3, 4 }).ToArray();
        var bytes = ByteString.CopyFrom(swapped);

        Assert.Throws<CommittedEntryCorruptException>(() =>
            EntryBatchCodec.HashTransaction(AnyEntry, bytes, SignedTransaction.Parser.ParseFrom(bytes), Sha256HashAlgorithm.Instance));
    }
}
