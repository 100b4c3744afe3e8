using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Tests.Crypto;

namespace Ledger.Core.Tests.Blocks;

public sealed class BlockHeaderEncodingTests
{
    // The documented layout, field by field, for BlockHeaderFixtures.FullyPopulated().
    private const string GoldenEncodingHex =
        "6c65646765722f76312f626c6f636b2d68656164657200" // magic "ledger/v1/block-header" 0x00
        + "000f" + "69702d636f6e736f727469756d2d31" // chain_id "ip-consortium-1"
        + "000000000012d687" // height 1234567
        + "0020" + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" // prev_block_hash
        + "0020" + "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40" // tx_root
        + "000000024cb016ea" // log_size 9876543210
        + "0020" + "4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60" // log_root
        + "0020" + "6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f80" // state_root
        + "0000019ab697e87b" // timestamp_unix_ms 1764000000123
        + "0006" + "6e6f64652d32" // proposer_node_id "node-2"
        + "0000000000000007" // raft_term 7
        + "00000000075bcd15" // raft_index 123456789
        + "000000fa"; // tx_count 250

    // Computed independently (Python hashlib over the bytes above).
    private const string GoldenSha256Hex = "fbbcd8ebee9e8884c157e3ce483e755dbe55537f011dbc7800ececd9e7ee0a88";
    private const string GoldenSm3Hex = "d00b4fb1a4e8cdca7b22a7baa4f3a4cea6a7ab98e2182980e2b72c71680fb01e";

    public static IEnumerable<TestCaseData> FieldChanges()
    {
        yield return Change("chain_id", header => header.ChainId = "ip-consortium-2");
        yield return Change("height", header => header.Height++);
        yield return Change("prev_block_hash", header => header.PrevBlockHash = FlipLastBit(header.PrevBlockHash));
        yield return Change("tx_root", header => header.TxRoot = FlipLastBit(header.TxRoot));
        yield return Change("log_size", header => header.LogSize++);
        yield return Change("log_root", header => header.LogRoot = FlipLastBit(header.LogRoot));
        yield return Change("state_root", header => header.StateRoot = FlipLastBit(header.StateRoot));
        yield return Change("state_root absent", header => header.StateRoot = ByteString.Empty);
        yield return Change("timestamp_unix_ms", header => header.TimestampUnixMs++);
        yield return Change("timestamp_unix_ms negative", header => header.TimestampUnixMs = -header.TimestampUnixMs);
        yield return Change("proposer_node_id", header => header.ProposerNodeId = "node-3");
        yield return Change("proposer_node_id empty", header => header.ProposerNodeId = string.Empty);
        yield return Change("raft_term", header => header.RaftTerm++);
        yield return Change("raft_index", header => header.RaftIndex++);
        yield return Change("tx_count", header => header.TxCount++);
    }

    [Test]
    public void Encode_FullyPopulatedHeader_MatchesGoldenBytes()
    {
        var encoded = BlockHeaderEncoding.Encode(BlockHeaderFixtures.FullyPopulated());

        Assert.That(Hex.Encode(encoded), Is.EqualTo(GoldenEncodingHex));
    }

    [Test]
    public void Compute_FullyPopulatedHeader_MatchesGoldenSha256()
    {
        var hash = BlockHash.Compute(BlockHeaderFixtures.FullyPopulated(), Sha256HashAlgorithm.Instance);

        Assert.That(Hex.Encode(hash), Is.EqualTo(GoldenSha256Hex));
    }

    [Test]
    public void Compute_FullyPopulatedHeader_MatchesGoldenSm3()
    {
        var hash = BlockHash.Compute(BlockHeaderFixtures.FullyPopulated(), Sm3HashAlgorithm.Instance);

        Assert.That(Hex.Encode(hash), Is.EqualTo(GoldenSm3Hex));
    }

    [TestCaseSource(nameof(FieldChanges))]
    public void Compute_AnyFieldChanged_ChangesHash(Action<BlockHeader> change)
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        change(header);

        var hash = BlockHash.Compute(header, Sha256HashAlgorithm.Instance);

        Assert.That(Hex.Encode(hash), Is.Not.EqualTo(GoldenSha256Hex));
    }

    [Test]
    public void Compute_BytesMovedBetweenAdjacentStrings_ChangesHash()
    {
        var first = BlockHeaderFixtures.FullyPopulated();
        first.PrevBlockHash = ByteString.CopyFrom(1, 2);
        first.TxRoot = ByteString.CopyFrom(3);
        var second = first.Clone();
        second.PrevBlockHash = ByteString.CopyFrom(1);
        second.TxRoot = ByteString.CopyFrom(2, 3);

        Assert.That(BlockHash.Compute(first, Sha256HashAlgorithm.Instance), Is.Not.EqualTo(BlockHash.Compute(second, Sha256HashAlgorithm.Instance)));
    }

    [Test]
    public void GetEncodedLength_MatchesEncodeAndStaysWithinMaximum()
    {
        var header = BlockHeaderFixtures.FullyPopulated();

        Assert.That(BlockHeaderEncoding.GetEncodedLength(header), Is.EqualTo(GoldenEncodingHex.Length / 2));
        Assert.That(BlockHeaderEncoding.GetEncodedLength(header), Is.LessThanOrEqualTo(BlockHeaderEncoding.EncodedBytesMax));
    }

    [Test]
    public void TryEncode_LargestLegalHeader_FitsEncodedBytesMax()
    {
        var header = new BlockHeader
        {
            ChainId = new string('c', BlockHeaderEncoding.ChainIdBytesMax),
            PrevBlockHash = BlockHeaderFixtures.Filled(1, BlockHeaderEncoding.HashBytesMax),
            TxRoot = BlockHeaderFixtures.Filled(2, BlockHeaderEncoding.HashBytesMax),
            LogRoot = BlockHeaderFixtures.Filled(3, BlockHeaderEncoding.HashBytesMax),
            StateRoot = BlockHeaderFixtures.Filled(4, BlockHeaderEncoding.HashBytesMax),
            ProposerNodeId = new string('n', BlockHeaderEncoding.NodeIdBytesMax),
        };
        var destination = new byte[BlockHeaderEncoding.EncodedBytesMax];

        var encoded = BlockHeaderEncoding.TryEncode(header, destination, out var bytesWritten);

        Assert.That(encoded, Is.True);
        Assert.That(bytesWritten, Is.EqualTo(BlockHeaderEncoding.EncodedBytesMax));
    }

    [Test]
    public void TryEncode_DestinationOneByteShort_ReturnsFalse()
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        var destination = new byte[BlockHeaderEncoding.GetEncodedLength(header) - 1];

        var encoded = BlockHeaderEncoding.TryEncode(header, destination, out var bytesWritten);

        Assert.That(encoded, Is.False);
        Assert.That(bytesWritten, Is.Zero);
    }

    [TestCase("prev_block_hash")]
    [TestCase("tx_root")]
    [TestCase("log_root")]
    [TestCase("state_root")]
    public void Encode_HashFieldOverMaximum_ThrowsNamingField(string field)
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        var oversize = BlockHeaderFixtures.Filled(7, BlockHeaderEncoding.HashBytesMax + 1);
        switch (field)
        {
            case "prev_block_hash": header.PrevBlockHash = oversize; break;
            case "tx_root": header.TxRoot = oversize; break;
            case "log_root": header.LogRoot = oversize; break;
            default: header.StateRoot = oversize; break;
        }

        var exception = Assert.Throws<BlockHeaderEncodingException>(() => BlockHeaderEncoding.Encode(header));

        Assert.That(exception.FieldName, Is.EqualTo(field));
    }

    [Test]
    public void Encode_ChainIdOverMaximum_ThrowsNamingField()
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        header.ChainId = new string('c', BlockHeaderEncoding.ChainIdBytesMax + 1);

        Assert.That(() => BlockHeaderEncoding.Encode(header), Throws.TypeOf<BlockHeaderEncodingException>().With.Property("FieldName").EqualTo("chain_id"));
    }

    [Test]
    public void Encode_EmptyChainId_Throws()
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        header.ChainId = string.Empty;

        Assert.That(() => BlockHeaderEncoding.Encode(header), Throws.TypeOf<BlockHeaderEncodingException>());
    }

    [Test]
    public void Encode_ProposerWithLoneSurrogate_ThrowsNamingField()
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        header.ProposerNodeId = "node\udc00";

        Assert.That(() => BlockHeaderEncoding.Encode(header), Throws.TypeOf<BlockHeaderEncodingException>().With.Property("FieldName").EqualTo("proposer_node_id"));
    }

    [Test]
    public void Encode_MultiByteUtf8ProposerAtMaximumBytes_IsAccepted()
    {
        var header = BlockHeaderFixtures.FullyPopulated();
        header.ProposerNodeId = new string('节', BlockHeaderEncoding.NodeIdBytesMax / 3);

        Assert.That(() => BlockHeaderEncoding.Encode(header), Throws.Nothing);
    }

    [Test]
    public void Encode_Null_ThrowsArgumentNull()
    {
        Assert.That(() => BlockHeaderEncoding.Encode(null!), Throws.ArgumentNullException);
    }

    private static TestCaseData Change(string field, Action<BlockHeader> change) => new TestCaseData(change).SetArgDisplayNames(field);

    private static ByteString FlipLastBit(ByteString value)
    {
        var bytes = value.ToByteArray();
        bytes[^1] ^= 0x01;
        return ByteString.CopyFrom(bytes);
    }
}
