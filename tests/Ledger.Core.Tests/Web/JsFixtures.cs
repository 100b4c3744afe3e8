using System.Security.Cryptography;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;

namespace Ledger.Core.Tests.Web;

/// <summary>
/// Fixtures for the JS port of Ledger.Core (web/verifier/test/fixtures/*.json): what the C# code computes
/// and decides (hashes, key ids, encodings, and accept or reject for hostile inputs), so the node tests
/// check that the browser verifier agrees with it on rejection as well as acceptance. Deterministic:
/// <see cref="JsFixturesTests"/> regenerates them in memory and fails on any drift from the committed files.
/// </summary>
internal static partial class JsFixtures
{
    public const string RelativeDirectory = "web/verifier/test/fixtures";

    /// <summary>Every fixture file by name.</summary>
    public static IReadOnlyDictionary<string, byte[]> Generate() => new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["crypto.json"] = Crypto(),
        ["blocks.json"] = Blocks(),
        ["transactions.json"] = Transactions(),
        ["checkpoints.json"] = Checkpoints(),
        ["protobuf.json"] = Protobuf(),
    };

    public static readonly string[] SuiteNames = [CryptoSuites.P256Sha256Name, CryptoSuites.Ed25519Name, CryptoSuites.Sm2Sm3Name];

    /// <summary>A fixed private key per suite and label (SHA-256 of the label: in range for every suite).</summary>
    public static byte[] PrivateKey(string suite, string label) => SHA256.HashData(FixtureJson.Utf8($"js-fixtures/{suite}/{label}"));

    public static KeyPair Key(string suite, string label) => CryptoSuites.Get(suite).ImportPrivateKey(PrivateKey(suite, label));

    /// <summary>A deterministic signature by the labelled key, checked to verify with the Ledger suite.</summary>
    public static byte[] Sign(string suite, string label, byte[] message)
    {
        var signature = DeterministicSigner.Sign(suite, PrivateKey(suite, label), message);
        if (!Key(suite, label).Public.Verify(message, signature))
        {
            throw new InvalidOperationException($"deterministic {suite} signature does not verify with the Ledger suite");
        }

        return signature;
    }
}
