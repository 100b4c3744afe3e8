using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Blocks;

public sealed class LogLeafTests
{
    private static readonly byte[] TransactionHash = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    [Test]
    public void ResultEncoding_IsTheDocumentedLayout()
    {
        var result = new TransactionResult { Code = ResultCode.Rejected, Reason = "dup", ReferenceTxHash = ByteString.CopyFrom(0xAB, 0xCD) };

        Assert.That(Convert.ToHexStringLower(LogLeaf.EncodeResult(result)), Is.EqualTo("02" + "0003" + "647570" + "02" + "abcd"));
    }

    [Test]
    public void LeafBytes_AreContextThenTransactionHashThenResultHash()
    {
        var result = new TransactionResult { Code = ResultCode.Ok };
        var leaf = LogLeaf.Encode(TransactionHash, result, Sha256HashAlgorithm.Instance);

        var expectedResultHash = System.Security.Cryptography.SHA256.HashData(LogLeaf.EncodeResult(result));
        Assert.That(leaf, Is.EqualTo(LogLeaf.Context.ToArray().Concat(TransactionHash).Concat(expectedResultHash).ToArray()));
    }

    [Test]
    public void ChangingTheResult_ChangesTheLeafHash()
    {
        var accepted = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Ok }, Sha256HashAlgorithm.Instance);
        var rejected = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Rejected }, Sha256HashAlgorithm.Instance);
        var otherReason = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Rejected, Reason = "x" }, Sha256HashAlgorithm.Instance);

        Assert.That(new[] { Convert.ToHexString(accepted), Convert.ToHexString(rejected), Convert.ToHexString(otherReason) }, Is.Unique);
    }

    [Test]
    public void TransactionHashOfTheWrongLength_IsRefused()
    {
        Assert.That(() => LogLeaf.Encode(new byte[31], new TransactionResult(), Sha256HashAlgorithm.Instance), Throws.ArgumentException);
    }

    // Merkle leaf hashes (SHA-256, SM3) computed with main at ec8f5a9, before item_outcomes_root existed.
    [TestCase(ResultCode.Ok, "registered work 0011", "", "c71f474692897ec65b307d26253e106c58599c821c1a08ec3abc58fd6c51740c", "1c77249f01fd0e6b2e95a4925ef7456387ab99ae9fd0f4967e4480d265e84588")]
    [TestCase(ResultCode.Rejected, "DuplicateContentHash: sha256 content hash already registered", "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100", "a94c28d3e594cd8014eafc327bac9f39b68edb31b07f91fdfba150b2c0b19381", "86278056b26265ffc1c784af664a5d818f747fdf1904dbb2cad3f50d2ee89663")]
    [TestCase(ResultCode.Ok, "2 of 3 items registered", "", "54f3f2b75ca25084320378df6d2be3e023b98479b5ea1082a6f018345d6a1eb6", "d02305e36156d866c0cd69e1b90ab0d03eae957cf3b3731ee5cfc80cd87f03a9")]
    public void ResultWithoutItemOutcomesRoot_GivesTheLeafItGaveBefore(ResultCode code, string reason, string referenceHex, string sha256LeafHash, string sm3LeafHash)
    {
        var result = new TransactionResult { Code = code, Reason = reason, ReferenceTxHash = ByteString.CopyFrom(Convert.FromHexString(referenceHex)) };

        Assert.That(Convert.ToHexStringLower(LogLeaf.MerkleLeafHash(TransactionHash, result, Sha256HashAlgorithm.Instance)), Is.EqualTo(sha256LeafHash));
        Assert.That(Convert.ToHexStringLower(LogLeaf.MerkleLeafHash(TransactionHash, result, Sm3HashAlgorithm.Instance)), Is.EqualTo(sm3LeafHash));
    }

    [Test]
    public void ResultEncoding_WithItemOutcomesRoot_AppendsItsLengthAndTheRoot()
    {
        var result = new TransactionResult { Code = ResultCode.Ok, Reason = "ok", ItemOutcomesRoot = ByteString.CopyFrom(0x11, 0x22, 0x33) };

        Assert.That(Convert.ToHexStringLower(LogLeaf.EncodeResult(result)), Is.EqualTo("01" + "0002" + "6f6b" + "00" + "03" + "112233"));
    }

    [Test]
    public void ChangingTheItemOutcomesRoot_ChangesTheLeafHash()
    {
        var without = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Ok }, Sha256HashAlgorithm.Instance);
        var one = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Ok, ItemOutcomesRoot = ByteString.CopyFrom(new byte[32]) }, Sha256HashAlgorithm.Instance);
        var other = LogLeaf.MerkleLeafHash(TransactionHash, new TransactionResult { Code = ResultCode.Ok, ItemOutcomesRoot = ByteString.CopyFrom(Enumerable.Repeat((byte)1, 32).ToArray()) }, Sha256HashAlgorithm.Instance);

        Assert.That(new[] { Convert.ToHexString(without), Convert.ToHexString(one), Convert.ToHexString(other) }, Is.Unique);
    }

    [Test]
    public void ItemOutcomesRootLongerThanTheBound_IsRefused()
    {
        var result = new TransactionResult { Code = ResultCode.Ok, ItemOutcomesRoot = ByteString.CopyFrom(new byte[LogLeaf.ItemOutcomesRootBytesMax + 1]) };

        Assert.That(() => LogLeaf.EncodeResult(result), Throws.ArgumentException);
    }
}
