using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Tests.Web;

internal static partial class JsFixtures
{
    private static byte[] Blocks() => FixtureJson.Write(writer =>
    {
        writer.WriteStartArray("headers");
        foreach (var (name, header) in HeaderCases())
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            // The header travels as its protobuf bytes, so the JS decoder is exercised too.
            writer.Hex("protobuf", header.ToByteArray());
            try
            {
                writer.Hex("canonical", BlockHeaderEncoding.Encode(header));
                writer.Hex("sha256", BlockHash.Compute(header, CryptoSuites.P256Sha256.Hash));
                writer.Hex("sm3", BlockHash.Compute(header, CryptoSuites.Sm2Sm3.Hash));
                writer.WriteNull("error");
            }
            catch (BlockHeaderEncodingException exception)
            {
                writer.WriteNull("canonical");
                writer.WriteString("error", exception.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteAttestations(writer);
        WriteLogLeaves(writer);
        writer.WriteStartArray("logLeafIndexes");
        foreach (var (logSize, txCount, position) in new (ulong, uint, uint)[] { (10, 3, 0), (10, 3, 2), (10, 3, 3), (3, 3, 0), (2, 3, 0), (0, 0, 0), (ulong.MaxValue, uint.MaxValue, uint.MaxValue - 1) })
        {
            writer.WriteStartObject();
            writer.Decimal("logSize", logSize);
            writer.WriteNumber("txCount", txCount);
            writer.WriteNumber("position", position);
            writer.Decimal("leafIndex", LogLeafIndex.TryGet(logSize, txCount, position, out var index) ? index : null);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static BlockHeader SampleHeader() => new()
    {
        ChainId = "js-fixtures",
        Height = 42,
        PrevBlockHash = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
        TxRoot = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)(i + 100)).ToArray()),
        LogSize = 1_000_003,
        LogRoot = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray()),
        TimestampUnixMs = 1_765_000_000_123,
        ProposerNodeId = "node-1",
        RaftTerm = 7,
        RaftIndex = 123_456,
        TxCount = 3,
    };

    private static IEnumerable<(string Name, BlockHeader Header)> HeaderCases()
    {
        yield return ("typical header, no state root", SampleHeader());
        var withState = SampleHeader();
        withState.StateRoot = ByteString.CopyFrom(new byte[32]);
        yield return ("with a state root", withState);
        yield return ("genesis-like: height 0, empty hashes", new BlockHeader { ChainId = "c" });
        var extremes = SampleHeader();
        extremes.Height = ulong.MaxValue;
        extremes.LogSize = ulong.MaxValue;
        extremes.TimestampUnixMs = long.MinValue;
        extremes.RaftTerm = ulong.MaxValue;
        extremes.RaftIndex = 1UL << 63;
        extremes.TxCount = uint.MaxValue;
        yield return ("64-bit extremes and a negative timestamp", extremes);
        var unicode = SampleHeader();
        unicode.ChainId = "\u94fe-\u00e9-\U0001F600";
        unicode.ProposerNodeId = "\u8282\u70b9";
        yield return ("non-ASCII chain and node ids", unicode);
        var longHashes = SampleHeader();
        longHashes.PrevBlockHash = ByteString.CopyFrom(new byte[64]);
        yield return ("64-byte previous hash (the maximum)", longHashes);
        var tooLong = SampleHeader();
        tooLong.PrevBlockHash = ByteString.CopyFrom(new byte[65]);
        yield return ("65-byte previous hash", tooLong);
        var longState = SampleHeader();
        longState.StateRoot = ByteString.CopyFrom(new byte[65]);
        yield return ("65-byte state root", longState);
        var noChain = SampleHeader();
        noChain.ChainId = string.Empty;
        yield return ("empty chain id", noChain);
        var bigChain = SampleHeader();
        bigChain.ChainId = new string('x', 129);
        yield return ("129-byte chain id", bigChain);
        var wideChain = SampleHeader();
        wideChain.ChainId = string.Concat(Enumerable.Repeat("\u00e9", 64));
        yield return ("128-byte chain id of 64 two-byte characters", wideChain);
        var bigNode = SampleHeader();
        bigNode.ProposerNodeId = new string('n', 129);
        yield return ("129-byte proposer node id", bigNode);
    }

    private static void WriteAttestations(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("attestations");
        foreach (var suiteName in SuiteNames)
        {
            var suite = CryptoSuites.Get(suiteName);
            var node = Key(suiteName, "node");
            var header = SampleHeader();
            var blockHash = BlockHash.Compute(header, suite.Hash);
            Attestation Make(string chainId, ulong height, byte[] hash)
            {
                var payload = new byte[8 + hash.Length];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(payload, height);
                hash.CopyTo(payload, 8);
                var input = SigningInput.Create(SigningContexts.BlockAttestation, chainId, payload);
                return new Attestation
                {
                    NodeId = "node-1",
                    KeyId = ByteString.CopyFrom(node.KeyId.Bytes),
                    Suite = suiteName,
                    BlockHash = ByteString.CopyFrom(hash),
                    Height = height,
                    Signature = ByteString.CopyFrom(Sign(suiteName, "node", input)),
                };
            }

            var valid = Make(header.ChainId, header.Height, blockHash);
            var cases = new List<(string, Attestation)>
            {
                ("valid", valid),
                ("signed for another chain", Make("other-chain", header.Height, blockHash)),
                ("signed for another height", Make(header.ChainId, header.Height + 1, blockHash)),
            };
            var wrongKeyId = valid.Clone();
            wrongKeyId.KeyId = ByteString.CopyFrom(new byte[32]);
            cases.Add(("wrong key id", wrongKeyId));
            var wrongSuite = valid.Clone();
            wrongSuite.Suite = suiteName == CryptoSuites.Ed25519Name ? CryptoSuites.P256Sha256Name : CryptoSuites.Ed25519Name;
            cases.Add(("wrong suite name", wrongSuite));
            var otherHash = (byte[])blockHash.Clone();
            otherHash[0] ^= 1;
            cases.Add(("signed over another block hash", Make(header.ChainId, header.Height, otherHash)));
            var badSignature = valid.Clone();
            badSignature.Signature = ByteString.CopyFrom(new byte[64]);
            cases.Add(("zero signature", badSignature));
            var shortHash = valid.Clone();
            shortHash.BlockHash = ByteString.CopyFrom(blockHash[..31]);
            cases.Add(("block hash one byte short", shortHash));

            foreach (var (name, attestation) in cases)
            {
                writer.WriteStartObject();
                writer.WriteString("suite", suiteName);
                writer.WriteString("name", name);
                writer.Hex("nodePublicKey", node.Public.ToArray());
                writer.Hex("header", header.ToByteArray());
                writer.Hex("attestation", attestation.ToByteArray());
                writer.WriteBoolean("verify", BlockAttestations.Verify(node.Public, attestation, header, suite.Hash));
                writer.WriteBoolean("verifySignature", BlockAttestations.VerifySignature(node.Public, attestation, header.ChainId));
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteLogLeaves(Utf8JsonWriter writer)
    {
        var results = new (string Name, TransactionResult Result)[]
        {
            ("accepted", new TransactionResult { Code = ResultCode.Ok }),
            ("rejected with a reason", new TransactionResult { Code = ResultCode.Rejected, Reason = "work already registered: \u4f5c\u54c1 \u2014 see reference" }),
            ("rejected with a reference", new TransactionResult { Code = ResultCode.Rejected, Reason = "duplicate", ReferenceTxHash = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray()) }),
            ("accepted batch with item outcomes root", new TransactionResult { Code = ResultCode.Ok, ItemOutcomesRoot = ByteString.CopyFrom(Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray()) }),
            ("unspecified code", new TransactionResult()),
            ("4096-byte reason (the maximum)", new TransactionResult { Code = ResultCode.Rejected, Reason = new string('r', 4096) }),
            ("4097-byte reason", new TransactionResult { Code = ResultCode.Rejected, Reason = new string('r', 4097) }),
            ("code 256", new TransactionResult { Code = (ResultCode)256 }),
            ("65-byte reference", new TransactionResult { Code = ResultCode.Rejected, ReferenceTxHash = ByteString.CopyFrom(new byte[65]) }),
        };
        writer.WriteStartArray("logLeaves");
        foreach (var suite in new[] { CryptoSuites.P256Sha256, CryptoSuites.Sm2Sm3 })
        {
            var txHash = new byte[suite.Hash.HashSizeBytes];
            suite.Hash.Hash(FixtureJson.Utf8("a transaction"), txHash);
            foreach (var (name, result) in results)
            {
                writer.WriteStartObject();
                writer.WriteString("algorithm", suite.Hash.Name);
                writer.WriteString("name", name);
                writer.Hex("txHash", txHash);
                writer.Hex("result", result.ToByteArray());
                try
                {
                    writer.Hex("resultBytes", LogLeaf.EncodeResult(result));
                    writer.Hex("leaf", LogLeaf.Encode(txHash, result, suite.Hash));
                    writer.Hex("merkleLeafHash", LogLeaf.MerkleLeafHash(txHash, result, suite.Hash));
                    writer.WriteBoolean("throws", false);
                }
                catch (ArgumentException)
                {
                    writer.WriteBoolean("throws", true);
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }
}
