using Google.Protobuf;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Core.Tests.Crypto;

namespace Ledger.Core.Tests.Signing;

public sealed class TransactionHashingTests
{
    [TestCase(0, 0)]
    [TestCase(1, 64)]
    [TestCase(127, 64)]
    [TestCase(128, 0)]
    [TestCase(300, 64)]
    [TestCase(20_000, 64)]
    [TestCase(2_100_000, 64)]
    public void EncodeLeaf_EqualsProtobufSerialization(int envelopeLength, int signatureLength)
    {
        var transaction = Transaction(envelopeLength, signatureLength);

        var leaf = TransactionHashing.EncodeLeaf(transaction);

        // SequenceEqual: NUnit's element-wise collection comparison is slow on megabyte arrays.
        Assert.That(leaf.AsSpan().SequenceEqual(transaction.ToByteArray()), Is.True);
    }

    [Test]
    public void EncodeLeaf_SmallTransaction_IsTheDocumentedWireBytes()
    {
        var transaction = new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(0xAA, 0xBB),
            Signature = ByteString.CopyFrom(0xCC),
        };

        Assert.That(Hex.Encode(TransactionHashing.EncodeLeaf(transaction)), Is.EqualTo("0a02aabb" + "1201cc"));
    }

    [Test]
    public void ComputeHash_IsSha256OfLeafBytes()
    {
        var transaction = new SignedTransaction
        {
            Envelope = ByteString.CopyFrom(0xAA, 0xBB),
            Signature = ByteString.CopyFrom(0xCC),
        };

        var hash = TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction);

        // sha256(0a02aabb1201cc), computed independently.
        Assert.That(Hex.Encode(hash), Is.EqualTo("113162f68cb9bda699ff0ebc5091301334fa09e616ee1ee52db5ad98a6cf1b9c"));
    }

    [Test]
    public void ComputeHash_SpanForm_MatchesMessageForm()
    {
        var transaction = Transaction(500, 64);
        var destination = new byte[32];

        TransactionHashing.ComputeHash(Sm3HashAlgorithm.Instance, transaction.ToByteArray(), destination);

        Assert.That(destination, Is.EqualTo(TransactionHashing.ComputeHash(Sm3HashAlgorithm.Instance, transaction)));
    }

    [Test]
    public void ComputeHash_SignatureChanged_ChangesHash()
    {
        var transaction = Transaction(50, 64);
        var other = transaction.Clone();
        var signature = other.Signature.ToByteArray();
        signature[0] ^= 1;
        other.Signature = ByteString.CopyFrom(signature);

        Assert.That(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, other), Is.Not.EqualTo(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction)));
    }

    [Test]
    public void IsCanonical_ProtobufSerialization_IsTrue()
    {
        Assert.That(TransactionHashing.IsCanonical(Transaction(40, 64).ToByteArray()), Is.True);
    }

    [Test]
    public void IsCanonical_UnknownTrailingField_IsFalse()
    {
        byte[] withUnknownField = [.. Transaction(40, 64).ToByteArray(), 0x18, 0x01];

        Assert.That(TransactionHashing.IsCanonical(withUnknownField), Is.False);
    }

    [Test]
    public void IsCanonical_FieldsInReverseOrder_IsFalse()
    {
        Assert.That(TransactionHashing.IsCanonical(Hex.Decode("1201cc" + "0a02aabb")), Is.False);
    }

    [Test]
    public void IsCanonical_NonMinimalVarintLength_IsFalse()
    {
        Assert.That(TransactionHashing.IsCanonical(Hex.Decode("0a8200aabb" + "1201cc")), Is.False);
    }

    [Test]
    public void IsCanonical_NotProtobuf_IsFalse()
    {
        Assert.That(TransactionHashing.IsCanonical([0xff, 0xff, 0xff, 0xff]), Is.False);
    }

    [Test]
    public void TryEncodeLeaf_DestinationTooSmall_ReturnsFalse()
    {
        var written = TransactionHashing.TryEncodeLeaf([1, 2], [3], new byte[6], out var bytesWritten);

        Assert.That(written, Is.False);
        Assert.That(bytesWritten, Is.Zero);
    }

    [Test]
    public void ComputeHash_WithDetachedItems_IsTheHashWithoutThem()
    {
        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(0xAA, 0xBB), Signature = ByteString.CopyFrom(0xCC) };
        var withItems = transaction.Clone();
        withItems.DetachedItems = ByteString.CopyFrom(0xDD, 0xEE);

        Assert.That(Hex.Encode(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, withItems)), Is.EqualTo("113162f68cb9bda699ff0ebc5091301334fa09e616ee1ee52db5ad98a6cf1b9c"));
        Assert.That(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, withItems), Is.EqualTo(TransactionHashing.ComputeHash(Sha256HashAlgorithm.Instance, transaction)));
    }

    [Test]
    public void EncodeCanonical_IsEnvelopeSignatureThenDetachedItems_AsProtobufWritesIt()
    {
        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(0xAA, 0xBB), Signature = ByteString.CopyFrom(0xCC), DetachedItems = ByteString.CopyFrom(0xDD) };

        Assert.That(Hex.Encode(TransactionHashing.EncodeCanonical(transaction)), Is.EqualTo("0a02aabb" + "1201cc" + "1a01dd"));
        Assert.That(TransactionHashing.EncodeCanonical(transaction), Is.EqualTo(transaction.ToByteArray()));
    }

    [Test]
    public void EncodeCanonical_WithoutDetachedItems_IsTheLeafBytes()
    {
        var transaction = Transaction(300, 64);

        Assert.That(TransactionHashing.EncodeCanonical(transaction), Is.EqualTo(TransactionHashing.EncodeLeaf(transaction)));
    }

    [Test]
    public void IsCanonical_DetachedItemsLast_IsTrue()
    {
        Assert.That(TransactionHashing.IsCanonical(Hex.Decode("0a02aabb" + "1201cc" + "1a01dd")), Is.True);
    }

    [Test]
    public void IsCanonical_DetachedItemsBeforeTheSignature_IsFalse()
    {
        Assert.That(TransactionHashing.IsCanonical(Hex.Decode("0a02aabb" + "1a01dd" + "1201cc")), Is.False);
    }

    [Test]
    public void IsCanonical_EmptyDetachedItemsWritten_IsFalse()
    {
        Assert.That(TransactionHashing.IsCanonical(Hex.Decode("0a02aabb" + "1201cc" + "1a00")), Is.False);
    }

    [Test]
    public void ComputeHashOfCanonical_HashesTheBytesBeforeTheDetachedItems()
    {
        var canonical = Hex.Decode("0a02aabb" + "1201cc" + "1a01dd");
        var destination = new byte[32];

        TransactionHashing.ComputeHashOfCanonical(Sha256HashAlgorithm.Instance, canonical, SignedTransaction.Parser.ParseFrom(canonical), destination);

        Assert.That(Hex.Encode(destination), Is.EqualTo("113162f68cb9bda699ff0ebc5091301334fa09e616ee1ee52db5ad98a6cf1b9c"));
    }

    private static SignedTransaction Transaction(int envelopeLength, int signatureLength)
    {
        var envelope = new byte[envelopeLength];
        var signature = new byte[signatureLength];
        new Random(envelopeLength).NextBytes(envelope);
        new Random(signatureLength + 1).NextBytes(signature);
        return new SignedTransaction { Envelope = ByteString.CopyFrom(envelope), Signature = ByteString.CopyFrom(signature) };
    }
}
