using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Tests.Web;

internal static partial class JsFixtures
{
    private const string FixtureChainId = "js-fixtures";

    private static byte[] Transactions() => FixtureJson.Write(writer =>
    {
        writer.WriteStartArray("signed");
        foreach (var suiteName in SuiteNames)
        {
            var suite = CryptoSuites.Get(suiteName);
            var member = Key(suiteName, "member");
            var other = Key(suiteName, "other");
            var envelope = new TransactionEnvelope
            {
                ChainId = FixtureChainId,
                Nonce = (1UL << 63) + 5,
                Type = TransactionType.RegisterWork,
                Body = ByteString.CopyFrom(new RegisterWork { Title = "\u4f5c\u54c1 \u2014 a work", ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(new byte[32]) } }.ToByteArray()),
                SignerKeyId = ByteString.CopyFrom(member.KeyId.Bytes),
                Suite = suiteName,
                CreatedUnixMs = -1,
            };
            var envelopeBytes = envelope.ToByteArray();
            var signature = Sign(suiteName, "member", SigningInput.Create(SigningContexts.TransactionSignature, FixtureChainId, envelopeBytes));
            var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
            var withItems = transaction.Clone();
            withItems.DetachedItems = ByteString.CopyFrom(new byte[] { 0x0a, 0x02, 0x0a, 0x00 });

            foreach (var (name, tx) in new[] { ("signed transaction", transaction), ("with detached items", withItems) })
            {
                writer.WriteStartObject();
                writer.WriteString("suite", suiteName);
                writer.WriteString("name", name);
                writer.Hex("memberPublicKey", member.Public.ToArray());
                writer.Hex("otherPublicKey", other.Public.ToArray());
                writer.Hex("bytes", tx.ToByteArray());
                writer.Hex("leafBytes", TransactionHashing.EncodeLeaf(tx));
                writer.Hex("canonical", TransactionHashing.EncodeCanonical(tx));
                writer.Hex("txHash", TransactionHashing.ComputeHash(suite.Hash, tx));
                writer.WriteBoolean("verifyOwnChain", TransactionSigning.Verify(member.Public, tx, FixtureChainId));
                writer.WriteBoolean("verifyOtherChain", TransactionSigning.Verify(member.Public, tx, "other-chain"));
                writer.WriteBoolean("verifyOtherKey", TransactionSigning.Verify(other.Public, tx, FixtureChainId));
                writer.WriteString("bindingOwnChain", TransactionSigning.CheckBinding(envelope, member.Public, FixtureChainId).ToString());
                writer.WriteString("bindingOtherChain", TransactionSigning.CheckBinding(envelope, member.Public, "other-chain").ToString());
                writer.WriteString("bindingOtherKey", TransactionSigning.CheckBinding(envelope, other.Public, FixtureChainId).ToString());
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();

        writer.WriteStartArray("canonical");
        foreach (var (name, bytes) in CanonicalCases())
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.Hex("bytes", bytes);
            writer.WriteBoolean("isCanonical", TransactionHashing.IsCanonical(bytes));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("signingInputs");
        foreach (var chainId in new[] { "c", FixtureChainId, "\u94fe\U0001F600", new string('x', 128), new string('x', 129), string.Empty, "a\ud800b" })
        {
            writer.WriteStartObject();
            // UTF-16 code units, four hex digits each: a lone surrogate survives (an encoder would replace it).
            writer.WriteString("chainIdUtf16", string.Concat(chainId.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture))));
            try
            {
                writer.Hex("input", SigningInput.Create(SigningContexts.TransactionSignature, chainId, [1, 2, 3]));
                writer.WriteNull("error");
            }
            catch (InvalidChainIdException exception)
            {
                writer.WriteNull("input");
                writer.WriteString("error", exception.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static IEnumerable<(string Name, byte[] Bytes)> CanonicalCases()
    {
        var canonical = new SignedTransaction { Envelope = ByteString.CopyFrom([1, 2, 3]), Signature = ByteString.CopyFrom([4, 5]) }.ToByteArray();
        yield return ("canonical", canonical);
        yield return ("empty (no fields)", []);
        yield return ("fields reordered", [0x12, 0x02, 4, 5, 0x0a, 0x03, 1, 2, 3]);
        yield return ("unknown field appended", [.. canonical, 0x20, 0x01]);
        yield return ("envelope repeated (last wins)", [0x0a, 0x01, 9, .. canonical]);
        yield return ("empty envelope written explicitly", [0x0a, 0x00, 0x12, 0x02, 4, 5]);
        yield return ("non-minimal length varint", [0x0a, 0x83, 0x00, 1, 2, 3, 0x12, 0x02, 4, 5]);
        yield return ("with detached items", [.. canonical, 0x1a, 0x01, 7]);
        yield return ("truncated", canonical[..^1]);
        yield return ("field 1 as a varint", [0x08, 0x01]);
    }
}
