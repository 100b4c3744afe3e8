using System.Text;
using System.Text.Json;
using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;
using Org.BouncyCastle.Math;

namespace Ledger.Core.Tests.Web;

internal static partial class JsFixtures
{
    private const string Origin = "ledger/js-fixtures";
    private const string WitnessName = "witness.example/w1";
    private const ulong NoteTimestampUnixMs = 1_765_000_000_123;
    private const ulong CosignatureTimestampUnixSeconds = 1_765_000_001;

    private static readonly (string NodeId, string Suite)[] CheckpointNodes =
    [
        ("node-p256", CryptoSuites.P256Sha256Name),
        ("node-ed25519", CryptoSuites.Ed25519Name),
        ("node-sm2", CryptoSuites.Sm2Sm3Name),
    ];

    private static byte[] Checkpoints() => FixtureJson.Write(writer =>
    {
        var trust = new CheckpointTrust(
            Origin,
            CheckpointNodes.Select(n => new CheckpointNode(n.NodeId, Key(n.Suite, "node").Public)),
            [new CheckpointWitness(WitnessName, Key(CryptoSuites.Ed25519Name, "witness").Public)]);
        writer.WriteString("origin", Origin);
        writer.WriteStartArray("nodes");
        foreach (var (nodeId, suite) in CheckpointNodes)
        {
            writer.WriteStartObject();
            writer.WriteString("nodeId", nodeId);
            writer.WriteString("suite", suite);
            var key = Key(suite, "node").Public;
            writer.Hex("publicKey", key.ToArray());
            writer.WriteNumber("noteKeyId", CheckpointSignatures.KeyId(key, Origin));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("witnesses");
        writer.WriteStartObject();
        writer.WriteString("name", WitnessName);
        writer.Hex("publicKey", Key(CryptoSuites.Ed25519Name, "witness").Public.ToArray());
        writer.WriteNumber("noteKeyId", Cosignature.KeyId(WitnessName, Key(CryptoSuites.Ed25519Name, "witness").Public));
        writer.WriteEndObject();
        writer.WriteEndArray();

        writer.WriteStartArray("notes");
        foreach (var (name, note) in NoteCases())
        {
            var verification = CheckpointVerifier.Verify(note, trust);
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.Hex("noteUtf8", note);
            writer.WriteBoolean("isValid", verification.IsValid);
            writer.WriteString("problem", verification.Problem);
            writer.WriteString("malformedReason", verification.MalformedReason);
            writer.Decimal("treeSize", verification.Checkpoint?.TreeSize);
            writer.WriteStartArray("signingNodes");
            foreach (var node in verification.SigningNodes)
            {
                writer.WriteStringValue(node);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("witnesses");
            foreach (var witness in verification.Witnesses)
            {
                writer.WriteStartObject();
                writer.WriteString("name", witness.Name);
                writer.Decimal("timestampUnixSeconds", witness.TimestampUnixSeconds);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("failures");
            foreach (var failure in verification.Failures)
            {
                writer.WriteStringValue(failure);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteConsistency(writer);
    });

    private static byte[] FixtureRoot(byte seed) => Enumerable.Range(0, 32).Select(i => (byte)(i ^ seed)).ToArray();

    private static NoteSignature P256Line(Checkpoint checkpoint, Func<BigInteger, BigInteger, byte[]> der, Func<byte[], byte[]>? mutate = null)
    {
        var key = Key(CryptoSuites.P256Sha256Name, "node");
        var input = Rfc6962TreeHeadSignature.SignedInput(NoteTimestampUnixMs, checkpoint.TreeSize, checkpoint.RootHash);
        var (r, s) = DeterministicSigner.SignP256Raw(PrivateKey(CryptoSuites.P256Sha256Name, "node"), input);
        var encoded = Rfc6962TreeHeadSignature.Encode(NoteTimestampUnixMs, der(r, s));
        return new NoteSignature(checkpoint.Origin, CheckpointSignatures.KeyId(key.Public, checkpoint.Origin), mutate is null ? encoded : mutate(encoded));
    }

    private static byte[] StrictDer(BigInteger r, BigInteger s) => Rfc6962TreeHeadSignature.P1363ToDer(DeterministicSigner.Concat(r, s));

    private static NoteSignature Ed25519Line(Checkpoint checkpoint) =>
        CheckpointSignatures.Sign(Key(CryptoSuites.Ed25519Name, "node"), checkpoint, NoteTimestampUnixMs);

    private static NoteSignature Sm2Line(Checkpoint checkpoint) =>
        new(checkpoint.Origin, CheckpointSignatures.KeyId(Key(CryptoSuites.Sm2Sm3Name, "node").Public, checkpoint.Origin), Sign(CryptoSuites.Sm2Sm3Name, "node", checkpoint.FormatUtf8()));

    private static NoteSignature WitnessLine(Checkpoint checkpoint) =>
        Cosignature.Sign(Key(CryptoSuites.Ed25519Name, "witness"), WitnessName, checkpoint, CosignatureTimestampUnixSeconds);

    private static byte[] Note(Checkpoint checkpoint, params NoteSignature[] lines) => Encoding.UTF8.GetBytes(new SignedNote(checkpoint.Format(), lines).Format());

    private static byte[] Utf8Note(string note) => Encoding.UTF8.GetBytes(note);

    private static IEnumerable<(string Name, byte[] Note)> NoteCases()
    {
        var checkpoint = new Checkpoint(Origin, 1_000_003, FixtureRoot(0x5a));
        var p256 = P256Line(checkpoint, StrictDer);
        var ed = Ed25519Line(checkpoint);
        var sm2 = Sm2Line(checkpoint);
        var witness = WitnessLine(checkpoint);
        var valid = Note(checkpoint, p256, ed, sm2, witness);
        var validText = Encoding.UTF8.GetString(valid);
        yield return ("three nodes and the witness", valid);
        yield return ("two nodes, no witness (quorum 2 of 3)", Note(checkpoint, ed, sm2));
        yield return ("one node only", Note(checkpoint, sm2));
        yield return ("the witness only", Note(checkpoint, witness));
        yield return ("an unknown key's line is ignored", Note(checkpoint, p256, ed, new NoteSignature("someone-else", 0x01020304, new byte[64]), sm2));
        yield return ("a line repeated", Note(checkpoint, ed, ed, sm2));
        yield return ("lines in another order", Note(checkpoint, witness, sm2, ed, p256));

        var n = DeterministicSigner.P256Order;
        yield return ("P-256 high-s DER signature", Note(checkpoint, P256Line(checkpoint, (r, s) => StrictDer(r, n.Subtract(s))), ed, sm2));
        yield return ("P-256 DER r with a redundant leading zero", Note(checkpoint, P256Line(checkpoint, (r, s) => NonMinimalDer(r, s)), ed, sm2));
        yield return ("P-256 DER with long-form sequence length", Note(checkpoint, P256Line(checkpoint, (r, s) => LongFormDer(StrictDer(r, s))), ed, sm2));
        yield return ("P-256 DER with a trailing byte", Note(checkpoint, P256Line(checkpoint, (r, s) => [.. StrictDer(r, s), 0x00]), ed, sm2));
        yield return ("P-256 P1363 instead of DER", Note(checkpoint, P256Line(checkpoint, (r, s) => DeterministicSigner.Concat(r, s)), ed, sm2));
        yield return ("P-256 hash algorithm byte 0x05", Note(checkpoint, P256Line(checkpoint, StrictDer, bytes => { bytes[8] = 0x05; return bytes; }), ed, sm2));
        yield return ("P-256 DigitallySigned length off by one", Note(checkpoint, P256Line(checkpoint, StrictDer, bytes => { bytes[11]++; return bytes; }), ed, sm2));
        yield return ("P-256 timestamp changed", Note(checkpoint, P256Line(checkpoint, StrictDer, bytes => { bytes[7] ^= 1; return bytes; }), ed, sm2));

        var badEd = new NoteSignature(ed.KeyName, ed.KeyId, ed.Signature.ToArray().Select((b, i) => i == 0 ? (byte)(b ^ 1) : b).ToArray());
        yield return ("an Ed25519 line that does not verify", Note(checkpoint, p256, badEd, sm2));
        var badWitness = new NoteSignature(witness.KeyName, witness.KeyId, witness.Signature.ToArray().Select((b, i) => i == 7 ? (byte)(b ^ 1) : b).ToArray());
        yield return ("a cosignature whose timestamp was changed", Note(checkpoint, p256, ed, badWitness));
        var hugeTimestamp = new NoteSignature(witness.KeyName, witness.KeyId, witness.Signature.ToArray().Select((b, i) => i == 0 ? (byte)0x80 : b).ToArray());
        yield return ("a cosignature timestamp above 2^63 - 1", Note(checkpoint, p256, ed, hugeTimestamp));
        var sm2Short = new NoteSignature(sm2.KeyName, sm2.KeyId, sm2.Signature[..63]);
        yield return ("an SM2 signature one byte short", Note(checkpoint, p256, ed, sm2Short));

        var otherRoot = new Checkpoint(Origin, 1_000_003, FixtureRoot(0x33));
        yield return ("signatures of another root", Utf8Note(otherRoot.Format() + "\n" + p256.FormatLine() + ed.FormatLine() + sm2.FormatLine()));
        var otherOrigin = new Checkpoint("ledger/other-chain", 5, FixtureRoot(1));
        yield return ("another consortium's origin", Note(otherOrigin, Ed25519Line(otherOrigin), Sm2Line(otherOrigin)));
        var withExtension = new Checkpoint(Origin, 1_000_003, FixtureRoot(0x5a), ["extension line"]);
        yield return ("an extension line (no RFC 6962 signature possible)", Utf8Note(withExtension.Format() + "\n" + p256.FormatLine() + Ed25519Line(withExtension).FormatLine() + Sm2Line(withExtension).FormatLine()));
        var empty = new Checkpoint(Origin, 0, FixtureRoot(0));
        yield return ("size 0", Note(empty, Ed25519Line(empty), Sm2Line(empty)));
        var max = new Checkpoint(Origin, ulong.MaxValue, FixtureRoot(9));
        yield return ("size 2^64 - 1", Note(max, Ed25519Line(max), Sm2Line(max)));

        // Malformed notes: each is refused as a whole, with the parser's reason.
        yield return ("no blank line", Utf8Note(validText.Replace("\n\n", "\n", StringComparison.Ordinal)));
        yield return ("a carriage return", Utf8Note(validText.Replace("\n\u2014", "\r\n\u2014", StringComparison.Ordinal)));
        yield return ("a tab in the text", Utf8Note("ledger/js-fixtures\t\n" + validText[(Origin.Length + 1)..]));
        yield return ("no final newline", Utf8Note(validText[..^1]));
        yield return ("signature line without the em dash", Utf8Note(validText.Replace("\u2014 ", "- ", StringComparison.Ordinal)));
        yield return ("signature base64 with a space", Utf8Note(validText.Replace(ed.Base64, ed.Base64[..4] + " " + ed.Base64[4..], StringComparison.Ordinal)));
        yield return ("signature base64 without padding", Utf8Note(validText.Replace(ed.Base64, ed.Base64.TrimEnd('='), StringComparison.Ordinal)));
        yield return ("signature base64 with stray bits", Utf8Note(validText.Replace(ed.Base64, WithStrayBits(ed.Base64), StringComparison.Ordinal)));
        yield return ("root base64 with stray bits", Utf8Note(validText.Replace("\n" + Convert.ToBase64String(FixtureRoot(0x5a)) + "\n", "\n" + WithStrayBits(Convert.ToBase64String(FixtureRoot(0x5a))) + "\n", StringComparison.Ordinal)));
        yield return ("signature base64 with an invalid character", Utf8Note(validText.Replace(ed.Base64, "*" + ed.Base64[1..], StringComparison.Ordinal)));
        yield return ("signature of 4 bytes (key id only)", Utf8Note(checkpoint.Format() + "\n\u2014 " + Origin + " AAAAAA==\n"));
        yield return ("a key name with a plus", Utf8Note(checkpoint.Format() + "\n\u2014 a+b " + ed.Base64 + "\n"));
        yield return ("tree size with a leading zero", Utf8Note(validText.Replace("\n1000003\n", "\n01000003\n", StringComparison.Ordinal)));
        yield return ("tree size 2^64", Utf8Note(validText.Replace("\n1000003\n", "\n18446744073709551616\n", StringComparison.Ordinal)));
        yield return ("tree size negative", Utf8Note(validText.Replace("\n1000003\n", "\n-1\n", StringComparison.Ordinal)));
        var root = Convert.ToBase64String(FixtureRoot(0x5a));
        yield return ("root of 31 bytes", Utf8Note(validText.Replace(root, Convert.ToBase64String(FixtureRoot(0x5a)[..31]), StringComparison.Ordinal)));
        yield return ("only two text lines", Utf8Note(Origin + "\n1000003\n\n" + ed.FormatLine()));
        yield return ("origin with a space", Utf8Note("ledger/js fixtures\n1\n" + root + "\n\n" + ed.FormatLine()));
        yield return ("invalid UTF-8", [.. valid[..5], 0xFF, .. valid[6..]]);
        yield return ("empty", []);
        yield return ("101 signature lines", Utf8Note(checkpoint.Format() + "\n" + string.Concat(Enumerable.Repeat(ed.FormatLine(), 101))));
    }

    /// <summary>The same base64 with a nonzero padding bit in the last data character (decodes to the same bytes; not canonical).</summary>
    private static string WithStrayBits(string base64)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var padding = base64.Length - base64.TrimEnd('=').Length;
        if (padding == 0)
        {
            throw new ArgumentException("base64 without padding has no stray bits", nameof(base64));
        }

        var index = base64.Length - padding - 1;
        var value = Alphabet.IndexOf(base64[index], StringComparison.Ordinal);
        return base64[..index] + Alphabet[value | 1] + base64[(index + 1)..];
    }

    /// <summary>DER SEQUENCE { r, s } with a redundant 0x00 before r (not DER, still BER).</summary>
    private static byte[] NonMinimalDer(BigInteger r, BigInteger s)
    {
        var rBytes = r.ToByteArray();
        var sBytes = s.ToByteArray();
        byte[] rPadded = [0x00, .. rBytes];
        byte[] body = [0x02, (byte)rPadded.Length, .. rPadded, 0x02, (byte)sBytes.Length, .. sBytes];
        return [0x30, (byte)body.Length, .. body];
    }

    /// <summary>The same DER body under a long-form (0x81) sequence length.</summary>
    private static byte[] LongFormDer(byte[] der) => [0x30, 0x81, der[1], .. der[2..]];

    private static void WriteConsistency(Utf8JsonWriter writer)
    {
        var tree = new MemoryMerkleTree(new MerkleHasher(CryptoSuites.P256Sha256.Hash), 16);
        for (var i = 0; i < 9; i++)
        {
            tree.AppendLeaf([(byte)i]);
        }

        Checkpoint At(ulong size, string origin = Origin) => new(origin, size, tree.ComputeRoot(size));
        var cases = new (string Name, Checkpoint Smaller, Checkpoint Larger, byte[][] Proof)[]
        {
            ("3 is a prefix of 7", At(3), At(7), tree.BuildConsistencyProof(3, 7)),
            ("same tree", At(9), At(9), []),
            ("same size, different roots", At(4), new Checkpoint(Origin, 4, FixtureRoot(1)), []),
            ("different origins", At(3), At(7, "ledger/other"), tree.BuildConsistencyProof(3, 7)),
            ("empty tree with the empty root", new Checkpoint(Origin, 0, new MerkleHasher(CryptoSuites.P256Sha256.Hash).EmptyRoot()), At(9), []),
            ("empty tree with another root", new Checkpoint(Origin, 0, FixtureRoot(2)), At(9), []),
            ("larger first", At(7), At(3), tree.BuildConsistencyProof(3, 7)),
            ("proof for other sizes", At(3), At(8), tree.BuildConsistencyProof(3, 7)),
            ("proof missing an element", At(3), At(7), tree.BuildConsistencyProof(3, 7)[1..]),
        };
        writer.WriteStartArray("consistency");
        foreach (var (name, smaller, larger, proof) in cases)
        {
            var outcome = CheckpointConsistency.Check(new MerkleHasher(CryptoSuites.P256Sha256.Hash), smaller, larger, proof, out var proofResult);
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("smaller", smaller.Format());
            writer.WriteString("larger", larger.Format());
            writer.WriteStartArray("proof");
            foreach (var node in proof)
            {
                writer.WriteStringValue(Convert.ToHexStringLower(node));
            }

            writer.WriteEndArray();
            writer.WriteString("outcome", outcome.ToString());
            writer.WriteString("proofResult", proofResult.ToString());
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
