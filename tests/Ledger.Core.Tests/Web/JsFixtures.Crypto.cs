using System.Text.Json;
using Ledger.Core.Crypto;
using Ledger.Core.Merkle;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Utilities;

namespace Ledger.Core.Tests.Web;

internal static partial class JsFixtures
{
    private static byte[] Crypto() => FixtureJson.Write(writer =>
    {
        writer.WriteStartArray("suites");
        foreach (var suite in SuiteNames)
        {
            WriteSuite(writer, suite);
        }

        writer.WriteEndArray();
        WriteHashes(writer);
        writer.WriteStartArray("unknownSuites");
        foreach (var name in new[] { "P256-SHA256", "rsa", string.Empty, "ed25519 " })
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("message", CryptoSuites.TryGet(name, out _) ? null : new UnknownSuiteException(name).Message);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    });

    private static void WriteSuite(Utf8JsonWriter writer, string suiteName)
    {
        var suite = CryptoSuites.Get(suiteName);
        var key = Key(suiteName, "signer").Public.ToArray();
        var other = Key(suiteName, "other").Public.ToArray();
        var message = FixtureJson.Utf8("ledger js fixture message \u2014 \u4e2d\u6587");
        var signature = Sign(suiteName, "signer", message);
        writer.WriteStartObject();
        writer.WriteString("suite", suiteName);
        writer.WriteString("hash", suite.Hash.Name);
        writer.WriteNumber("publicKeySizeBytes", suite.PublicKeySizeBytes);

        writer.WriteStartArray("keys");
        foreach (var (name, encoded) in KeyCases(suiteName, key))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.Hex("publicKey", encoded);
            writer.Hex("keyId", suite.DeriveKeyId(encoded).Bytes);
            try
            {
                suite.DecodePublicKey(encoded);
                writer.WriteBoolean("decodes", true);
                writer.WriteNull("error");
            }
            catch (InvalidKeyException exception)
            {
                writer.WriteBoolean("decodes", false);
                writer.WriteString("error", exception.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        writer.WriteStartArray("signatures");
        foreach (var (name, publicKey, signed, sig) in SignatureCases(suiteName, key, other, message, signature))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.Hex("publicKey", publicKey);
            writer.Hex("message", signed);
            writer.Hex("signature", sig);
            writer.WriteBoolean("valid", suite.TryDecodePublicKey(publicKey, out var decoded) && suite.Verify(decoded, signed, sig));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static IEnumerable<(string Name, byte[] Encoded)> KeyCases(string suite, byte[] key)
    {
        yield return ("the signer's key", key);
        yield return ("one byte short", key[..^1]);
        yield return ("one byte long", [.. key, 0x00]);
        yield return ("empty", []);
        if (suite == CryptoSuites.Ed25519Name)
        {
            yield return ("identity (order 1)", [0x01, .. new byte[31]]);
            yield return ("order 4 point (y = 0)", new byte[32]);
            yield return ("order 2 point (y = -1)", [0xEC, .. Enumerable.Repeat((byte)0xFF, 30), 0x7F]);
            yield return ("order 8 point", Convert.FromHexString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"));
            yield return ("non-canonical y (y = p + 18)", [.. Enumerable.Repeat((byte)0xFF, 31), 0x7F]);
            yield return ("negative zero x (y = 1, sign bit set)", [0x01, .. new byte[30], 0x80]);
            yield return ("mixed order: 5B + an order-8 point", Convert.FromHexString("d0424b701d60255de5df705071059ccd22b8349bb4138202ebbd65e9e0ad211b"));
            yield return ("y not on the curve (y = 2)", [0x02, .. new byte[31]]);
            yield break;
        }

        var flipped = (byte[])key.Clone();
        flipped[^1] ^= 0x01;
        yield return ("point off the curve (last bit of y flipped)", flipped);
        yield return ("(0, 0)", [0x04, .. new byte[64]]);
        yield return ("coordinates beyond the field (all 0xff)", [0x04, .. Enumerable.Repeat((byte)0xFF, 64)]);
        yield return ("compressed tag 0x02", [0x02, .. key[1..]]);
        yield return ("compressed tag 0x03", [0x03, .. key[1..]]);
        yield return ("tag 0x00", [0x00, .. new byte[64]]);
        yield return ("hybrid tag 0x06", [0x06, .. key[1..]]);
        var prime = suite == CryptoSuites.P256Sha256Name
            ? new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16)
            : new BigInteger("fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff", 16);
        var x = new BigInteger(1, key.AsSpan(1, 32));
        // x + p: the same point modulo p, but not a canonical coordinate (fits 32 bytes only when x < 2^256 - p).
        var shifted = x.Add(prime);
        if (shifted.BitLength <= 256)
        {
            yield return ("x + p (same point, non-canonical)", [0x04, .. BigIntegers.AsUnsignedByteArray(32, shifted), .. key[33..]]);
        }

        var y = new BigInteger(1, key.AsSpan(33, 32));
        yield return ("y replaced by p - y (the negated point)", [0x04, .. key[1..33], .. BigIntegers.AsUnsignedByteArray(32, prime.Subtract(y))]);
    }

    private static IEnumerable<(string Name, byte[] PublicKey, byte[] Message, byte[] Signature)> SignatureCases(
        string suite, byte[] key, byte[] other, byte[] message, byte[] signature)
    {
        yield return ("valid", key, message, signature);
        yield return ("empty message signed", key, [], Sign(suite, "signer", []));
        yield return ("wrong message", key, [.. message, 0x00], signature);
        yield return ("wrong key", other, message, signature);
        yield return ("signature one byte short", key, message, signature[..^1]);
        yield return ("signature one byte long", key, message, [.. signature, 0x00]);
        yield return ("all-zero signature", key, message, new byte[64]);
        yield return ("all-0xff signature", key, message, Enumerable.Repeat((byte)0xFF, 64).ToArray());
        var flipped = (byte[])signature.Clone();
        flipped[5] ^= 0x10;
        yield return ("bit flipped in the first half", key, message, flipped);
        var flippedSecond = (byte[])signature.Clone();
        flippedSecond[40] ^= 0x01;
        yield return ("bit flipped in the second half", key, message, flippedSecond);
        yield return ("signature on a key that does not decode", [0x04, .. new byte[64]], message, signature);

        var r = new BigInteger(1, signature.AsSpan(0, 32));
        var s = new BigInteger(1, signature.AsSpan(32, 32));
        if (suite == CryptoSuites.P256Sha256Name)
        {
            var n = DeterministicSigner.P256Order;
            yield return ("high-s twin (r, n - s)", key, message, DeterministicSigner.Concat(r, n.Subtract(s)));
            yield return ("r = 0", key, message, DeterministicSigner.Concat(BigInteger.Zero, s));
            yield return ("s = 0", key, message, DeterministicSigner.Concat(r, BigInteger.Zero));
            yield return ("r + n does not fit, r = n", key, message, DeterministicSigner.Concat(n, s));
            yield return ("s = n / 2 + 1 (lowest high s)", key, message, DeterministicSigner.Concat(r, n.ShiftRight(1).Add(BigInteger.One)));
        }
        else if (suite == CryptoSuites.Sm2Sm3Name)
        {
            var n = DeterministicSigner.Sm2Order;
            yield return ("r = 0", key, message, DeterministicSigner.Concat(BigInteger.Zero, s));
            yield return ("s = 0", key, message, DeterministicSigner.Concat(r, BigInteger.Zero));
            yield return ("r = n", key, message, DeterministicSigner.Concat(n, s));
            yield return ("s = n", key, message, DeterministicSigner.Concat(r, n));
            yield return ("r + s = n", key, message, DeterministicSigner.Concat(r, n.Subtract(r)));
            yield return ("(r, n - s)", key, message, DeterministicSigner.Concat(r, n.Subtract(s)));
        }
        else
        {
            // S + L: the same signature with a non-canonical scalar (RFC 8032 requires S < L).
            var l = new BigInteger("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed", 16);
            var sLittle = signature.AsSpan(32, 32).ToArray();
            Array.Reverse(sLittle);
            var bigS = new BigInteger(1, sLittle).Add(l);
            var bigSBytes = BigIntegers.AsUnsignedByteArray(32, bigS);
            Array.Reverse(bigSBytes);
            yield return ("S + L (non-canonical scalar)", key, message, [.. signature[..32], .. bigSBytes]);
            yield return ("R replaced by the identity", key, message, [0x01, .. new byte[31], .. signature[32..]]);
            yield return ("R the identity encoded non-canonically (y = p + 1)", key, message, [0xEE, .. Enumerable.Repeat((byte)0xFF, 30), 0x7F, .. signature[32..]]);
            var lBytes = BigIntegers.AsUnsignedByteArray(32, l);
            Array.Reverse(lBytes);
            yield return ("S = L", key, message, [.. signature[..32], .. lBytes]);
            yield return ("signature by a small-order key", [0x01, .. new byte[31]], message, [0x01, .. new byte[31], .. new byte[32]]);
        }
    }

    private static void WriteHashes(Utf8JsonWriter writer)
    {
        var inputs = new (string Name, byte[] Bytes)[]
        {
            ("empty", []),
            ("abc", FixtureJson.Utf8("abc")),
            ("55 bytes (one block with padding)", Enumerable.Range(0, 55).Select(i => (byte)i).ToArray()),
            ("56 bytes (two blocks)", Enumerable.Range(0, 56).Select(i => (byte)i).ToArray()),
            ("64 bytes", Enumerable.Range(0, 64).Select(i => (byte)(255 - i)).ToArray()),
            ("1000 bytes", Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray()),
        };
        writer.WriteStartArray("hashes");
        foreach (var suite in new[] { CryptoSuites.P256Sha256, CryptoSuites.Sm2Sm3 })
        {
            var hash = suite.Hash;
            var hasher = new MerkleHasher(hash);
            foreach (var (name, bytes) in inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("algorithm", hash.Name);
                writer.WriteString("name", name);
                writer.Hex("input", bytes);
                var digest = new byte[hash.HashSizeBytes];
                hash.Hash(bytes, digest);
                writer.Hex("digest", digest);
                writer.Hex("merkleLeafHash", hasher.HashLeaf(bytes));
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();

        writer.WriteStartArray("merkleTrees");
        foreach (var suite in new[] { CryptoSuites.P256Sha256, CryptoSuites.Sm2Sm3 })
        {
            var tree = new MemoryMerkleTree(new MerkleHasher(suite.Hash), 64);
            for (var i = 0; i < 13; i++)
            {
                tree.AppendLeaf([(byte)i, (byte)(i * 3)]);
            }

            writer.WriteStartObject();
            writer.WriteString("algorithm", suite.Hash.Name);
            writer.Hex("emptyRoot", new MerkleHasher(suite.Hash).EmptyRoot());
            writer.WriteStartArray("leaves");
            for (var i = 0; i < 13; i++)
            {
                writer.WriteStringValue(Convert.ToHexStringLower([(byte)i, (byte)(i * 3)]));
            }

            writer.WriteEndArray();
            writer.WriteStartArray("inclusion");
            foreach (var (index, size) in new (ulong, ulong)[] { (0, 1), (0, 13), (5, 13), (12, 13), (7, 8) })
            {
                writer.WriteStartObject();
                writer.Decimal("leafIndex", index);
                writer.Decimal("treeSize", size);
                writer.Hex("leafHash", tree.LeafHash(index));
                writer.Hex("root", tree.ComputeRoot(size));
                writer.WriteStartArray("proof");
                foreach (var node in tree.BuildInclusionProof(index, size))
                {
                    writer.WriteStringValue(Convert.ToHexStringLower(node));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("consistency");
            foreach (var (size1, size2) in new (ulong, ulong)[] { (1, 13), (3, 7), (4, 13), (8, 13), (13, 13) })
            {
                writer.WriteStartObject();
                writer.Decimal("size1", size1);
                writer.Decimal("size2", size2);
                writer.Hex("root1", tree.ComputeRoot(size1));
                writer.Hex("root2", tree.ComputeRoot(size2));
                writer.WriteStartArray("proof");
                foreach (var node in tree.BuildConsistencyProof(size1, size2))
                {
                    writer.WriteStringValue(Convert.ToHexStringLower(node));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
