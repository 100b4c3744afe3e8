using System.Text.Json.Nodes;
using Ledger.Cli.Commands;
using Ledger.Core.Evidence;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// What <c>ledger evidence verify</c> concludes about a bundle file: either it is malformed
/// (<see cref="EvidenceBundleJson.Parse"/> throws, the CLI exits 6), or the report, as the CLI prints it
/// with <c>--output json</c> (<see cref="EvidenceCommands.ToJson"/>) and as text (<see cref="EvidenceCommands.WriteText"/>).
/// </summary>
public sealed record ExpectedOutcome(string? Malformed, EvidenceReport? Report, JsonObject? ReportJson, string? Text)
{
    /// <summary>The CLI writes lines with the platform's newline; the browser's text uses "\n", as the CLI on Linux does.</summary>
    public const string NewLine = "\n";

    public static ExpectedOutcome Of(byte[] bundleBytes, EvidenceVerificationOptions options)
    {
        EvidenceBundle bundle;
        try
        {
            bundle = EvidenceBundleJson.Parse(bundleBytes);
        }
        catch (EvidenceFormatException exception)
        {
            return new ExpectedOutcome(exception.Message, null, null, null);
        }

        var report = EvidenceVerifier.Verify(bundle, options);
        using var text = new StringWriter { NewLine = NewLine };
        EvidenceCommands.WriteText(text, report);
        return new ExpectedOutcome(null, report, EvidenceCommands.ToJson(report), text.ToString());
    }

    /// <summary>"malformed", or the verdict as the CLI's JSON names it ("valid", "rejected", "invalid", "not-anchored").</summary>
    public string Outcome => Report is null ? "malformed" : EvidenceCommands.VerdictName(Report.Verdict);

    public JsonObject ToJson() => new()
    {
        ["malformed"] = Malformed,
        ["report"] = ReportJson?.DeepClone(),
        ["text"] = Text,
    };
}
