using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Core.Crypto;

namespace Ledger.Core.Keys;

/// <summary>
/// Ledger's JSON key file, one key pair per file:
/// <code>
/// {
///   "version": 1,
///   "suite": "p256-sha256" | "ed25519" | "sm2-sm3",
///   "key_id": "&lt;lowercase hex of suite hash(public_key)&gt;",
///   "public_key": "&lt;base64 of the suite's public key encoding&gt;",
///   "private_key": "&lt;base64 of the 32 raw private key bytes: P-256/SM2 big-endian scalar, Ed25519 seed&gt;"
/// }
/// </code>
/// On import every field is checked: the public key must be the one derived from the private key and
/// the key id must be its hash, so a hand-edited or mixed-up file fails with
/// <see cref="KeyFileMismatchException"/> rather than signing under an unexpected identity. Unknown
/// extra properties are ignored. The file holds the private key unencrypted: protect it with file
/// permissions (or keep it in PEM under an HSM/KMS policy).
/// </summary>
public static class KeyFile
{
    public const int FormatVersion = 1;

    /// <summary>Key files are tiny; anything larger is not one of ours.</summary>
    public const int FileBytesMax = 64 * 1024;

    private const string VersionProperty = "version";
    private const string SuiteProperty = "suite";
    private const string KeyIdProperty = "key_id";
    private const string PublicKeyProperty = "public_key";
    private const string PrivateKeyProperty = "private_key";

    public static string Export(KeyPair keyPair)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        var suite = keyPair.Suite as CryptoSuiteBase
            ?? throw new ArgumentException($"suite {keyPair.Suite.Name} is not one of Ledger's built-in suites", nameof(keyPair));
        var privateKey = suite.ExportPrivateKey(keyPair.Private);
        try
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteNumber(VersionProperty, FormatVersion);
                writer.WriteString(SuiteProperty, suite.Name);
                writer.WriteString(KeyIdProperty, keyPair.KeyId.ToHex());
                writer.WriteBase64String(PublicKeyProperty, keyPair.Public.Encoded);
                writer.WriteBase64String(PrivateKeyProperty, privateKey);
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>
    /// Reads a key file. Throws <see cref="KeyFileFormatException"/> for malformed content,
    /// <see cref="UnknownSuiteException"/> for an unknown suite, <see cref="InvalidKeyException"/> for
    /// key bytes the suite rejects and <see cref="KeyFileMismatchException"/> for inconsistent fields.
    /// </summary>
    public static KeyPair Import(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Encoding.UTF8.GetByteCount(json) > FileBytesMax)
        {
            throw new KeyFileFormatException($"key file exceeds {FileBytesMax} bytes");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new KeyFileFormatException("key file is not valid JSON", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new KeyFileFormatException("key file must be a JSON object");
            }

            var version = RequiredProperty(root, VersionProperty, JsonValueKind.Number);
            if (!version.TryGetInt32(out var versionNumber) || versionNumber != FormatVersion)
            {
                throw new KeyFileFormatException($"unsupported key file version {version.GetRawText()}; this build reads version {FormatVersion}");
            }

            var suite = CryptoSuites.Get(RequiredProperty(root, SuiteProperty, JsonValueKind.String).GetString()!);
            var keyIdText = RequiredProperty(root, KeyIdProperty, JsonValueKind.String).GetString()!;
            KeyId keyId;
            try
            {
                keyId = KeyId.ParseHex(keyIdText);
            }
            catch (FormatException exception)
            {
                throw new KeyFileFormatException($"'{KeyIdProperty}' is not hex", exception);
            }

            var publicKey = Base64Property(root, PublicKeyProperty);
            var privateKey = Base64Property(root, PrivateKeyProperty);
            try
            {
                var keyPair = suite.ImportPrivateKey(privateKey);
                if (!keyPair.Public.Encoded.SequenceEqual(publicKey))
                {
                    throw new KeyFileMismatchException($"'{PublicKeyProperty}' is not the public key of '{PrivateKeyProperty}' (derived key id {keyPair.KeyId})");
                }

                if (keyPair.KeyId != keyId)
                {
                    throw new KeyFileMismatchException($"'{KeyIdProperty}' {keyId} does not match the key's id {keyPair.KeyId}");
                }

                return keyPair;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    private static JsonElement RequiredProperty(JsonElement root, string name, JsonValueKind kind)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            throw new KeyFileFormatException($"key file has no '{name}'");
        }

        if (value.ValueKind != kind)
        {
            throw new KeyFileFormatException($"'{name}' must be a JSON {kind.ToString().ToLowerInvariant()}, was {value.ValueKind.ToString().ToLowerInvariant()}");
        }

        return value;
    }

    private static byte[] Base64Property(JsonElement root, string name)
    {
        var value = RequiredProperty(root, name, JsonValueKind.String);
        if (!value.TryGetBytesFromBase64(out var bytes))
        {
            throw new KeyFileFormatException($"'{name}' is not valid base64");
        }

        return bytes;
    }
}
