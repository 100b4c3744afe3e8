using System.CommandLine;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Evidence;
using Ledger.Web;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger evidence html BUNDLE --out FILE [--genesis FILE | --genesis-sha256 HEX]</c>: an existing
/// bundle file as self-verifying HTML (<see cref="SelfVerifyingHtml"/>), offline. The bundle is
/// verified here first and an INVALID one is refused: the page would only say INVALID, and a court
/// should not receive a file that looks like evidence and proves nothing.
/// </summary>
public static class EvidenceHtmlCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var bundleArgument = new Argument<string>("BUNDLE") { Description = "Evidence bundle (JSON)" };
        var output = new Option<string>("--out") { Description = "Self-verifying HTML file to write", Required = true };
        var genesis = new Option<string?>("--genesis") { Description = "A trusted copy of the consortium genesis: the page verifies against its SHA-256" };
        var genesisSha256 = new Option<string?>("--genesis-sha256") { Description = "Trusted SHA-256 (hex) of the consortium genesis, named in the page" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("html", "Write an evidence bundle as one self-verifying HTML file (the bundle and the in-browser verifier; opens from disk with no network and checks itself against the genesis fingerprint it names); refuses an INVALID bundle. Without a trusted genesis the page says NOT ANCHORED until its reader gives one")
        {
            bundleArgument, output, genesis, genesisSha256, force,
        };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var outPath = parse.GetValue(output)!;
            Files.EnsureWritable(outPath, parse.GetValue(force));
            var bundleBytes = Files.ReadAllBytes(parse.GetValue(bundleArgument)!, EvidenceBundleJson.DocumentBytesMax, "bundle");
            var trusted = EvidenceCommands.TrustedGenesis(parse.GetValue(genesis), parse.GetValue(genesisSha256));
            var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(bundleBytes), new EvidenceVerificationOptions { TrustedGenesisSha256 = trusted });
            if (report.Verdict == EvidenceVerdict.Invalid)
            {
                throw CliException.VerificationFailed($"refusing to write HTML for an INVALID bundle: {report.Conclusion}");
            }

            var html = BuildHtml(bundleBytes, trusted is null ? null : Convert.ToHexStringLower(trusted));
            File.WriteAllBytes(outPath, html);
            console.Result(
                new System.Text.Json.Nodes.JsonObject
                {
                    ["file"] = outPath, ["bytes"] = html.Length, ["bundleBytes"] = bundleBytes.Length, ["verdict"] = EvidenceCommands.VerdictName(report.Verdict),
                    ["genesisSha256"] = trusted is null ? null : Convert.ToHexStringLower(trusted),
                },
                $"wrote {outPath} ({html.Length} bytes, self-verifying HTML of a {bundleBytes.Length}-byte bundle): {report.Conclusion}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The self-verifying HTML of a bundle, refusing one too large to embed with a usage-level error rather than an exception.</summary>
    internal static byte[] BuildHtml(byte[] bundleBytes, string? trustedGenesisSha256Hex) =>
        bundleBytes.Length > SelfVerifyingHtml.BundleBytesMax
            ? throw CliException.InvalidInput($"the bundle is {bundleBytes.Length} bytes; self-verifying HTML embeds at most {SelfVerifyingHtml.BundleBytesMax}")
            : SelfVerifyingHtml.Build(bundleBytes, trustedGenesisSha256Hex);
}
