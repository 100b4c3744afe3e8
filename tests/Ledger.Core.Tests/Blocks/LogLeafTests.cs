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
}
