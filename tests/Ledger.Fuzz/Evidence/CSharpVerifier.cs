using System.Security.Cryptography;
using Ledger.Cli.Commands;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// The C# side, exactly as <c>ledger evidence verify</c> runs it: <see cref="EvidenceBundleJson.Parse"/>
/// (an <see cref="EvidenceFormatException"/> is "malformed"), <see cref="EvidenceVerifier.Verify"/>, and
/// the CLI's own <see cref="EvidenceCommands.ToJson"/> and <see cref="EvidenceCommands.WriteText"/>.
/// </summary>
public static class CSharpVerifier
{
    /// <summary>The CLI writes the platform's newline; the JS text uses "\n", as the CLI on Linux does.</summary>
    public const string NewLine = "\n";

    public static VerifierOutcome Run(DiffCase diffCase)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        EvidenceBundle bundle;
        try
        {
            bundle = EvidenceBundleJson.Parse(diffCase.Bundle);
        }
        catch (EvidenceFormatException exception)
        {
            return new VerifierOutcome(true, exception.Message, null, [], null, null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return VerifierOutcome.Failure($"EvidenceBundleJson.Parse threw {exception.GetType().Name}: {exception.Message}");
        }

        try
        {
            var options = new EvidenceVerificationOptions
            {
                TrustedGenesisSha256 = diffCase.TrustedGenesisSha256,
                Content = diffCase.Content is null ? null : Digest(diffCase.Content, bundle),
            };
            var report = EvidenceVerifier.Verify(bundle, options);
            var json = EvidenceCommands.ToJson(report);
            using var text = new StringWriter { NewLine = NewLine };
            EvidenceCommands.WriteText(text, report);
            var checks = json["checks"]!.AsArray().Select(check => ((string)check!["name"]!, (string)check["status"]!)).ToList();
            return new VerifierOutcome(false, null, (string)json["verdict"]!, checks, text.ToString(), null);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return VerifierOutcome.Failure($"verify or report threw {exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>What the CLI's --content computes (EvidenceCommands.DigestFile): SHA-256 always, SM3 when the bundle's genesis names sm2-sm3.</summary>
    private static ContentDigest Digest(byte[] content, EvidenceBundle bundle)
    {
        byte[]? sm3 = null;
        if (IsSm3Consortium(bundle))
        {
            sm3 = new byte[Sm3HashAlgorithm.Instance.HashSizeBytes];
            Sm3HashAlgorithm.Instance.Hash(content, sm3);
        }

        return new ContentDigest(SHA256.HashData(content), sm3);
    }

    private static bool IsSm3Consortium(EvidenceBundle bundle)
    {
        try
        {
            return ConsortiumGenesis.Parse(bundle.Genesis).Suite == CryptoSuites.Sm2Sm3Name;
        }
        catch (GenesisFormatException)
        {
            return false;
        }
    }
}
