using System.Text.Json.Nodes;
using Ledger.Core.Evidence;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// One row of the cross-check matrix: a bundle file, what the verifier is told from outside it
/// (trusted genesis fingerprint, content digests), and what the C# verifier concludes.
/// </summary>
public sealed class MatrixCase
{
    public MatrixCase(string name, string suite, byte[] bundle, byte[]? trustedGenesisSha256, ContentDigest? content)
    {
        Name = name;
        Suite = suite;
        Bundle = bundle;
        TrustedGenesisSha256 = trustedGenesisSha256;
        Content = content;
        Expected = ExpectedOutcome.Of(bundle, Options);
    }

    /// <summary>Unique in the matrix, e.g. "ed25519/tampered/rejected-item-prior-item/certifiedHeader.header.height".</summary>
    public string Name { get; }

    /// <summary>The consortium's suite as CryptoSuites names it.</summary>
    public string Suite { get; }

    public byte[] Bundle { get; }

    public byte[]? TrustedGenesisSha256 { get; }

    public ContentDigest? Content { get; }

    public ExpectedOutcome Expected { get; }

    public EvidenceVerificationOptions Options => new() { TrustedGenesisSha256 = TrustedGenesisSha256, Content = Content };

    /// <summary>The bundle's file name beside cases.jsonl: the name with every character outside [A-Za-z0-9.-] made '_'.</summary>
    public string BundleFileName => new string([.. Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')]) + ".json";

    /// <summary>The line of cases.jsonl (the format helper "jsverify" reads).</summary>
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["suite"] = Suite,
        ["bundle"] = BundleFileName,
        ["trustedGenesisSha256"] = TrustedGenesisSha256 is null ? null : Convert.ToHexStringLower(TrustedGenesisSha256),
        ["content"] = Content is null
            ? null
            : new JsonObject
            {
                ["sha256"] = Convert.ToHexStringLower(Content.Sha256),
                ["sm3"] = Content.Sm3 is null ? null : Convert.ToHexStringLower(Content.Sm3),
            },
        ["expected"] = Expected.ToJson(),
    };

    public override string ToString() => Name;
}
