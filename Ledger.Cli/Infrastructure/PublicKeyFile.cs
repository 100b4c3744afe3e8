using System.Text.Json;
using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Reads the public half of a key file (<c>ledger keygen</c> output, or a shared copy holding only
/// <c>suite</c> and <c>public_key</c>): an admin proposing a member's or node's key never needs the
/// private key, so only those two fields are read and the key is decoded to prove it is a valid point.
/// </summary>
public static class PublicKeyFile
{
    public static MemberPublicKey Read(string path, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new CliException(ExitCodes.NotFound, $"{what}: no such file {path}");
        }

        if (info.Length > KeyFile.FileBytesMax)
        {
            throw CliException.Usage($"{what}: {path} exceeds {KeyFile.FileBytesMax} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("suite", out var suiteName) || suiteName.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("public_key", out var publicKeyText) || publicKeyText.ValueKind != JsonValueKind.String)
            {
                throw CliException.Usage($"{what}: {path} has no string fields 'suite' and 'public_key'");
            }

            if (!CryptoSuites.TryGet(suiteName.GetString()!, out var suite))
            {
                throw CliException.Usage($"{what}: {path} names unknown suite '{suiteName.GetString()}' (known: {string.Join(", ", CryptoSuites.Names)})");
            }

            var encoded = Convert.FromBase64String(publicKeyText.GetString()!);
            if (!suite.TryDecodePublicKey(encoded, out _))
            {
                throw CliException.Usage($"{what}: {path} holds no valid {suite.Name} public key");
            }

            return new MemberPublicKey { Suite = suite.Name, PublicKey = ByteString.CopyFrom(encoded) };
        }
        catch (JsonException exception)
        {
            throw CliException.Usage($"{what}: {path} is not valid JSON ({exception.Message})");
        }
        catch (FormatException)
        {
            throw CliException.Usage($"{what}: 'public_key' in {path} is not base64");
        }
    }
}
