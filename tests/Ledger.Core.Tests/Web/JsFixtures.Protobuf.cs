using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Web;

internal static partial class JsFixtures
{
    private static readonly Dictionary<string, MessageParser> Parsers = new(StringComparer.Ordinal)
    {
        ["SignedTransaction"] = SignedTransaction.Parser,
        ["TransactionEnvelope"] = TransactionEnvelope.Parser,
        ["TransactionResult"] = TransactionResult.Parser,
        ["BlockHeader"] = BlockHeader.Parser,
        ["Attestation"] = Attestation.Parser,
        ["RegisterWork"] = RegisterWork.Parser,
        ["BatchRegister"] = BatchRegister.Parser,
        ["BatchItems"] = BatchItems.Parser,
        ["ProposeChange"] = ProposeChange.Parser,
        ["Vote"] = Vote.Parser,
    };

    /// <summary>Google.Protobuf's parse of hostile bytes: whether it throws, and what ToByteArray writes back.</summary>
    private static byte[] Protobuf() => FixtureJson.Write(writer =>
    {
        writer.WriteStartArray("cases");
        foreach (var (schema, name, bytes) in ProtobufCases())
        {
            writer.WriteStartObject();
            writer.WriteString("schema", schema);
            writer.WriteString("name", name);
            writer.Hex("bytes", bytes);
            try
            {
                var message = Parsers[schema].ParseFrom(bytes);
                writer.WriteBoolean("ok", true);
                writer.Hex("reencoded", message.ToByteArray());
                writer.WriteString("json", JsonFormatter.Default.Format(message));
            }
            catch (InvalidProtocolBufferException)
            {
                writer.WriteBoolean("ok", false);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static byte[] Nested(int depth, byte[] inner)
    {
        var bytes = inner;
        for (var i = 0; i < depth; i++)
        {
            bytes = [0x0b, .. bytes, 0x0c]; // unknown field 1 as a group: start (1, 3), end (1, 4)
        }

        return bytes;
    }

    private static IEnumerable<(string Schema, string Name, byte[] Bytes)> ProtobufCases()
    {
        var envelope = new TransactionEnvelope
        {
            ChainId = "js", Nonce = ulong.MaxValue, Type = TransactionType.Vote, Body = ByteString.CopyFrom([1, 2]),
            SignerKeyId = ByteString.CopyFrom([3]), Suite = "ed25519", CreatedUnixMs = long.MinValue,
        }.ToByteArray();
        yield return ("TransactionEnvelope", "every field set", envelope);
        yield return ("TransactionEnvelope", "empty", []);
        yield return ("TransactionEnvelope", "chain id twice, last wins", [0x0a, 0x01, (byte)'a', 0x0a, 0x01, (byte)'b']);
        yield return ("TransactionEnvelope", "nonce twice, last wins", [0x10, 0x05, 0x10, 0x07]);
        yield return ("TransactionEnvelope", "chain id with invalid UTF-8", [0x0a, 0x03, (byte)'a', 0xff, (byte)'b']);
        yield return ("TransactionEnvelope", "chain id with an overlong encoding", [0x0a, 0x02, 0xc0, 0xaf]);
        yield return ("TransactionEnvelope", "type enum unknown value", [0x18, 0x63]);
        yield return ("TransactionEnvelope", "type enum negative (ten-byte varint)", [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        yield return ("TransactionEnvelope", "type enum above 2^32 (truncated to 32 bits)", [0x18, 0x81, 0x80, 0x80, 0x80, 0x10]);
        yield return ("TransactionEnvelope", "nonce as an eleven-byte varint", [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
        yield return ("TransactionEnvelope", "nonce ten bytes with high bits past 64", [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        yield return ("TransactionEnvelope", "nonce varint truncated", [0x10, 0x80]);
        yield return ("TransactionEnvelope", "non-minimal varint for nonce", [0x10, 0x81, 0x80, 0x00]);
        yield return ("TransactionEnvelope", "body length past the end", [0x22, 0x05, 1, 2]);
        yield return ("TransactionEnvelope", "body length negative as int32", [0x22, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        yield return ("TransactionEnvelope", "body length with a ten-byte varint", [0x22, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 2]);
        yield return ("TransactionEnvelope", "field number 0", [0x00, 0x01]);
        yield return ("TransactionEnvelope", "field number 0 with wire type 2", [0x02, 0x00]);
        yield return ("TransactionEnvelope", "wire type 6", [0x0e]);
        yield return ("TransactionEnvelope", "wire type 7", [0x0f]);
        yield return ("TransactionEnvelope", "known field with the wrong wire type (kept as unknown)", [0x08, 0x05, 0x12, 0x01, 0x07]);
        yield return ("TransactionEnvelope", "unknown fields of every wire type", [0x40, 0x01, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x52, 0x01, 0x09, 0x5d, 1, 2, 3, 4, 0x40, 0x02]);
        yield return ("TransactionEnvelope", "unknown fields interleaved by number", [0x60, 0x01, 0x58, 0x02, 0x60, 0x03, 0x0a, 0x01, (byte)'x']);
        yield return ("TransactionEnvelope", "unknown fixed64 truncated", [0x49, 1, 2, 3]);
        yield return ("TransactionEnvelope", "unknown fixed32 truncated", [0x5d, 1, 2]);
        yield return ("TransactionEnvelope", "unknown group", [0x43, 0x08, 0x01, 0x12, 0x00, 0x44]);
        yield return ("TransactionEnvelope", "unknown group never closed", [0x43, 0x08, 0x01]);
        yield return ("TransactionEnvelope", "end group without a start", [0x44]);
        yield return ("TransactionEnvelope", "group closed by another number", [0x43, 0x4c]);
        yield return ("TransactionEnvelope", "tag as a six-byte varint", [0x88, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01]);
        yield return ("TransactionEnvelope", "largest field number", [0xf8, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        yield return ("TransactionEnvelope", "groups nested 99 deep", Nested(99, []));
        yield return ("TransactionEnvelope", "groups nested 100 deep", Nested(100, []));
        yield return ("TransactionEnvelope", "groups nested 101 deep", Nested(101, []));

        yield return ("SignedTransaction", "all three fields", [0x0a, 0x01, 1, 0x12, 0x01, 2, 0x1a, 0x01, 3]);
        yield return ("SignedTransaction", "fields reordered", [0x1a, 0x01, 3, 0x12, 0x01, 2, 0x0a, 0x01, 1]);
        yield return ("SignedTransaction", "signature as a varint (unknown)", [0x10, 0x01]);

        var work = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(new byte[32]), Sm3 = ByteString.CopyFrom(Enumerable.Repeat((byte)1, 32).ToArray()) },
            MediaType = MediaType.Image,
            Title = "\u4f5c\u54c1",
            PerceptualHash = 0,
            RightsHolder = new RightsHolder { External = new ExternalHolder { Name = "n", Identifier = "i" } },
            ClaimedCreationUnixMs = -5,
        };
        work.Metadata.Add(new MetadataEntry { Key = "k", Value = "v" });
        work.Metadata.Add(new MetadataEntry());
        yield return ("RegisterWork", "every field, perceptual hash 0 present", work.ToByteArray());
        yield return ("RegisterWork", "content hash split in two (messages merge)", [0x0a, 0x02, 0x0a, 0x00, 0x0a, 0x03, 0x12, 0x01, 0x07]);
        yield return ("RegisterWork", "content hash sha256 twice across merges", [0x0a, 0x03, 0x0a, 0x01, 0x01, 0x0a, 0x03, 0x0a, 0x01, 0x02]);
        yield return ("RegisterWork", "rights holder oneof: member then external", [0x32, 0x03, 0x0a, 0x01, (byte)'m', 0x32, 0x02, 0x12, 0x00]);
        yield return ("RegisterWork", "rights holder oneof: external then member", [0x32, 0x04, 0x12, 0x02, 0x0a, 0x00, 0x32, 0x03, 0x0a, 0x01, (byte)'m']);
        yield return ("RegisterWork", "rights holder oneof: external twice (merged)", [0x32, 0x05, 0x12, 0x03, 0x0a, 0x01, (byte)'a', 0x32, 0x05, 0x12, 0x03, 0x12, 0x01, (byte)'b']);
        yield return ("RegisterWork", "perceptual hash as a varint (unknown)", [0x20, 0x05]);
        yield return ("RegisterWork", "content hash with a bad inner length", [0x0a, 0x02, 0x0a, 0x05]);
        yield return ("RegisterWork", "embedded message length past the end", [0x0a, 0x09, 0x0a, 0x00]);
        yield return ("RegisterWork", "embedded message with an unknown field", [0x0a, 0x04, 0x0a, 0x00, 0x18, 0x01]);

        var batch = new BatchRegister { MerkleRoot = ByteString.CopyFrom(new byte[32]), ItemCount = 2, MediaType = MediaType.Video };
        batch.Items.Add(new BatchItem { ContentSha256 = ByteString.CopyFrom([1]), ItemId = "a", PerceptualHash = ulong.MaxValue });
        batch.Items.Add(new BatchItem { ContentSha256 = ByteString.CopyFrom([2]), ItemId = "b" });
        yield return ("BatchRegister", "two items", batch.ToByteArray());
        yield return ("BatchRegister", "item count above 2^32 (truncated)", [0x28, 0x81, 0x80, 0x80, 0x80, 0x10]);
        yield return ("BatchItems", "items", new BatchItems { Items = { batch.Items } }.ToByteArray());

        yield return ("ProposeChange", "add member with keys", new ProposeChange
        {
            AddMember = new AddMember { MemberId = "m", DisplayName = "M", Role = MemberRole.Admin, Keys = { new MemberPublicKey { Suite = "ed25519", PublicKey = ByteString.CopyFrom([9]) } } },
            Rationale = "why",
        }.ToByteArray());
        yield return ("ProposeChange", "empty remove node (oneof set, empty message)", [0x32, 0x00]);
        yield return ("ProposeChange", "add member then change threshold (last case wins)", [0x0a, 0x03, 0x0a, 0x01, (byte)'m', 0x3a, 0x02, 0x08, 0x02]);
        yield return ("ProposeChange", "add member twice (merged)", [0x0a, 0x03, 0x0a, 0x01, (byte)'m', 0x0a, 0x02, 0x18, 0x01]);
        yield return ("ProposeChange", "rotate key with a new key", new ProposeChange { RotateKey = new RotateMemberKey { MemberId = "m", OldKeyId = ByteString.CopyFrom([1]), NewKey = new MemberPublicKey { Suite = "sm2-sm3" } } }.ToByteArray());
        yield return ("Vote", "approve", new Vote { ProposalId = ByteString.CopyFrom([1, 2]), Approve = true }.ToByteArray());
        yield return ("Vote", "approve as varint 2", [0x10, 0x02]);
        yield return ("Vote", "approve as a ten-byte varint with only the top bit", [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);

        yield return ("BlockHeader", "sample header", SampleHeader().ToByteArray());
        yield return ("BlockHeader", "tx count above 2^32 (truncated)", [0x60, 0x81, 0x80, 0x80, 0x80, 0x10]);
        yield return ("Attestation", "every field", new Attestation { NodeId = "n", KeyId = ByteString.CopyFrom([1]), Suite = "s", BlockHash = ByteString.CopyFrom([2]), Height = 3, Signature = ByteString.CopyFrom([4]), CheckpointSignature = ByteString.CopyFrom([5]) }.ToByteArray());
        yield return ("TransactionResult", "every field", new TransactionResult { Code = ResultCode.Rejected, Reason = "r", ReferenceTxHash = ByteString.CopyFrom([1]), ItemOutcomesRoot = ByteString.CopyFrom([2]) }.ToByteArray());
    }
}
