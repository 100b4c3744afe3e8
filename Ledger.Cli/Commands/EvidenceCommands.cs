using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Client.Content;
using Ledger.Client.Evidence;
using Ledger.Core.Consortium;
using Ledger.Core.Evidence;
using Ledger.Web;

namespace Ledger.Cli.Commands;

/// <summary><c>ledger evidence verify</c>: the offline check a court runs on an evidence bundle.</summary>
public static class EvidenceCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var bundleArgument = new Argument<string>("BUNDLE") { Description = "Evidence bundle (JSON)" };
        var content = new Option<string?>("--content") { Description = "The work's file, to check against the registered content hash" };
        var genesis = new Option<string?>("--genesis") { Description = "A trusted copy of the consortium genesis: the bundle's genesis must be identical" };
        var genesisSha256 = new Option<string?>("--genesis-sha256") { Description = "Trusted SHA-256 (hex) of the consortium genesis" };
        var verify = new Command("verify", "Verify an evidence bundle offline and print a report; exits 0 VALID, 7 REJECTED (the refusal is proven), 1 INVALID, 8 NOT ANCHORED (no trusted genesis given), 6 malformed")
        {
            bundleArgument, content, genesis, genesisSha256,
        };
        CommandAction.Set(verify, environment, (parse, console) =>
        {
            var (bundleBytes, page) = ReadBundleOrPage(parse.GetValue(bundleArgument)!);
            var bundle = EvidenceBundleJson.Parse(bundleBytes);
            var options = new EvidenceVerificationOptions
            {
                TrustedGenesisSha256 = TrustedGenesis(parse.GetValue(genesis), parse.GetValue(genesisSha256)),
                Content = parse.GetValue(content) is { } contentPath ? DigestFile(contentPath) : null,
            };
            var report = EvidenceVerifier.Verify(bundle, options);
            if (console.IsJson)
            {
                var json = ToJson(report);
                if (page is not null)
                {
                    json["page"] = new JsonObject { ["genuine"] = page.IsGenuinePage, ["namedGenesisSha256"] = page.NamedGenesisSha256Hex };
                }

                console.Json(json);
            }
            else
            {
                if (page is not null)
                {
                    console.Out.WriteLine(PageLine(page));
                }

                WriteText(console.Out, report);
            }

            if (page is { IsGenuinePage: false })
            {
                console.Error.WriteLine("warning: this HTML file's page is not the one this version of ledger writes for its bundle: its on-screen verdict may come from other code; rely on this report");
            }

            return ExitCodeOf(report.Verdict);
        });
        var evidence = new Command("evidence", "Evidence: offline bundles (verify, export, html, samples) and preserved-evidence records (preserve, show)") { verify, CreateExport(environment), EvidenceHtmlCommand.Create(environment), CreateSamples(environment) };
        foreach (var command in RegistryCommands.CreateEvidence(environment))
        {
            evidence.Subcommands.Add(command);
        }

        return evidence;
    }

    private static Command CreateExport(CliEnvironment environment)
    {
        var tx = new Option<string>("--tx") { Description = "Transaction hash (hex)", Required = true };
        var output = new Option<string?>("--out") { Description = "Bundle file to write (--out, --html or both)" };
        var html = new Option<string?>("--html") { Description = "Self-verifying HTML file to write: the bundle and the in-browser verifier in one page that checks itself offline (--out, --html or both)" };
        var manifest = new Option<string?>("--manifest") { Description = "Batch manifest (JSON lines) of a BatchRegister, for --item (optional: the items are otherwise taken from the transaction)" };
        var item = new Option<int?>("--item") { Description = "Index of the batch item the bundle is evidence for" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        var command = new Command("export", "Fetch a transaction (or one batch item), its proofs and certified header from a node and write a verified evidence bundle; a rejected one carries the earlier registration it names (needs --genesis)")
        {
            tx, output, html, manifest, item, force,
        };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var outPath = parse.GetValue(output);
            var htmlPath = parse.GetValue(html);
            if (outPath is null && htmlPath is null)
            {
                throw CliException.Usage("evidence export needs --out FILE (the bundle), --html FILE (self-verifying HTML), or both");
            }

            foreach (var path in new[] { outPath, htmlPath }.OfType<string>())
            {
                Files.EnsureWritable(path, parse.GetValue(force));
            }

            var genesisPath = CliSettings.Genesis(parse, ClientFactory.Genesis).Value
                ?? throw CliException.Usage("evidence export needs --genesis (the bundle carries it verbatim)");
            var genesisBytes = Files.ReadAllBytes(genesisPath, ConsortiumGenesis.DocumentBytesMax, "genesis");
            await using var client = ClientFactory.Create(parse, console);
            var txHash = Hex.Parse(parse.GetValue(tx)!, "--tx");
            BatchItemEvidence? manifestItem = null;
            var itemIndex = parse.GetValue(item);
            if (parse.GetValue(manifest) is { } manifestPath)
            {
                var index = itemIndex ?? throw CliException.Usage("--manifest needs --item");
                manifestItem = ManifestItem(manifestPath, index, client.ChainHash);
            }

            var bundle = await EvidenceExporter.ExportAsync(client, genesisBytes, txHash, itemIndex, manifestItem, cancellation).ConfigureAwait(false);
            var bytes = EvidenceBundleJson.Write(bundle);
            var report = EvidenceVerifier.Verify(EvidenceBundleJson.Parse(bytes), new EvidenceVerificationOptions { TrustedGenesisSha256 = SHA256.HashData(genesisBytes) });
            if (report.Verdict is not (EvidenceVerdict.Valid or EvidenceVerdict.Rejected))
            {
                throw CliException.VerificationFailed($"the node's data does not make a valid bundle: {report.Conclusion}");
            }

            var htmlBytes = htmlPath is null ? null : EvidenceHtmlCommand.BuildHtml(bytes, Convert.ToHexStringLower(SHA256.HashData(genesisBytes)));
            if (outPath is not null)
            {
                await File.WriteAllBytesAsync(outPath, bytes, cancellation).ConfigureAwait(false);
            }

            if (htmlPath is not null)
            {
                await File.WriteAllBytesAsync(htmlPath, htmlBytes!, cancellation).ConfigureAwait(false);
            }

            var what = report.BatchItemIndex is { } i ? $"item {i} of tx" : "tx";
            var written = string.Join(" and ", new[] { outPath is null ? null : $"{outPath} ({bytes.Length} bytes)", htmlPath is null ? null : $"{htmlPath} ({htmlBytes!.Length} bytes, self-verifying HTML)" }.OfType<string>());
            console.Result(
                new JsonObject
                {
                    ["file"] = outPath, ["htmlFile"] = htmlPath, ["txHash"] = Convert.ToHexStringLower(txHash), ["blockHeight"] = bundle.BlockHeight, ["bytes"] = bytes.Length,
                    ["htmlBytes"] = htmlBytes?.Length, ["verdict"] = VerdictName(report.Verdict), ["priorTxHash"] = report.Prior?.TxHashHex,
                },
                $"wrote {written}: {what} {Convert.ToHexStringLower(txHash)} in block {bundle.BlockHeight}, verified: {report.Conclusion}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Item <paramref name="index"/> of the batch manifest at <paramref name="path"/> with its proof, read in one pass in
    /// bounded memory (<see cref="BatchRegistration.ProofFromManifest"/>); a bad manifest is named with its file and line.
    /// </summary>
    private static BatchItemEvidence ManifestItem(string path, int index, Ledger.Core.Hashing.IHashAlgorithm chainHash)
    {
        if (!File.Exists(path))
        {
            throw CliException.NotFound($"manifest {path} does not exist");
        }

        try
        {
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
            return BatchRegistration.ProofFromManifest(reader, index, chainHash);
        }
        catch (BatchManifestException manifest)
        {
            throw CliException.InvalidInput(manifest.LineNumber > 0 ? $"manifest {path}:{manifest.LineNumber}: {manifest.Problem}" : $"manifest {path}: {manifest.Problem}");
        }
        catch (DecoderFallbackException)
        {
            throw CliException.InvalidInput($"manifest {path} is not UTF-8 text");
        }
        catch (Ledger.Client.ClientVerificationException verification)
        {
            throw CliException.VerificationFailed($"manifest {path}: {verification.Message}");
        }
    }

    /// <summary><c>ledger evidence samples --out DIR</c>: writes docs/samples/ (the same bytes every time).</summary>
    private static Command CreateSamples(CliEnvironment environment)
    {
        var output = new Option<string>("--out") { Description = "Directory to write the sample bundles, genesis and content file to", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files" };
        var command = new Command("samples", "Write the published sample bundles (valid, rejected, rejected item, tampered) of a fixed sample consortium; see docs/evidence-bundle.md")
        {
            output, force,
        };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var directory = parse.GetValue(output)!;
            Directory.CreateDirectory(directory);
            var files = new List<(string Name, byte[] Bytes)>
            {
                (Ledger.Cli.Evidence.SampleBundles.GenesisFile, Ledger.Cli.Evidence.SampleBundles.Genesis()),
                (Ledger.Cli.Evidence.SampleBundles.ContentFile, Ledger.Cli.Evidence.SampleBundles.Content()),
            };
            files.AddRange(Ledger.Cli.Evidence.SampleBundles.Create().Select(s => (s.FileName, s.Bytes)));
            foreach (var (name, bytes) in files)
            {
                var path = Path.Combine(directory, name);
                Files.EnsureWritable(path, parse.GetValue(force));
                File.WriteAllBytes(path, bytes);
            }

            console.Result(
                new JsonObject { ["directory"] = directory, ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f.Name)]) },
                $"wrote {files.Count} files to {directory}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A bundle file, or a self-verifying HTML file (ledger evidence export --html): then the bundle it
    /// embeds, and whether its page is byte for byte what this version writes (so that its on-screen
    /// verdict came from this verifier). The genesis it names is shown, never trusted.
    /// </summary>
    private static (byte[] Bundle, SelfVerifyingHtmlContents? Page) ReadBundleOrPage(string path)
    {
        var bytes = Files.ReadAllBytes(path, SelfVerifyingHtml.DocumentBytesMax, "bundle");
        if (!LooksLikeHtml(bytes))
        {
            return (bytes, null); // EvidenceBundleJson.Parse holds it to its own bound
        }

        return SelfVerifyingHtml.TryRead(bytes, out var page)
            ? (page.Bundle, page)
            : throw new EvidenceFormatException("an HTML file without an embedded evidence bundle (not written by ledger evidence export --html or ledger evidence html)");
    }

    private static bool LooksLikeHtml(ReadOnlySpan<byte> bytes)
    {
        var start = bytes.TrimStart(" \t\r\n"u8);
        return start.Length >= 9 && System.Text.Encoding.ASCII.GetString(start[..9]).Equals("<!doctype", StringComparison.OrdinalIgnoreCase);
    }

    private static string PageLine(SelfVerifyingHtmlContents page) =>
        (page.IsGenuinePage
            ? "Page:         self-verifying HTML; its page is byte for byte the one this version writes for this bundle"
            : "Page:         self-verifying HTML; WARNING: its page is NOT the one this version writes for this bundle — do not rely on its on-screen verdict")
        + $" (it names genesis sha256 {page.NamedGenesisSha256Hex ?? "(none)"}; only --genesis or --genesis-sha256 is trusted)";

    /// <summary>The verdict's exit code (docs/cli.md): VALID 0, REJECTED 7, INVALID 1, NOT ANCHORED 8.</summary>
    public static int ExitCodeOf(EvidenceVerdict verdict) => verdict switch
    {
        EvidenceVerdict.Valid => ExitCodes.Ok,
        EvidenceVerdict.Rejected => ExitCodes.Rejected,
        EvidenceVerdict.NotAnchored => ExitCodes.NotAnchored,
        _ => ExitCodes.VerificationFailed,
    };

    public static string VerdictName(EvidenceVerdict verdict) => verdict switch
    {
        EvidenceVerdict.Valid => "valid",
        EvidenceVerdict.Rejected => "rejected",
        EvidenceVerdict.NotAnchored => "not-anchored",
        _ => "invalid",
    };

    internal static byte[]? TrustedGenesis(string? path, string? hex)
    {
        if (path is not null && hex is not null)
        {
            throw CliException.Usage("give --genesis or --genesis-sha256, not both");
        }

        if (path is not null)
        {
            return SHA256.HashData(Files.ReadAllBytes(path, ConsortiumGenesis.DocumentBytesMax, "genesis"));
        }

        if (hex is null)
        {
            return null;
        }

        try
        {
            var bytes = Convert.FromHexString(hex);
            return bytes.Length == SHA256.HashSizeInBytes ? bytes : throw CliException.Usage("--genesis-sha256 must be 64 hex digits");
        }
        catch (FormatException)
        {
            throw CliException.Usage("--genesis-sha256 is not hex");
        }
    }

    /// <summary>SHA-256 and SM3 of the file in one streamed pass: the registration may name either or both, on any suite.</summary>
    private static ContentDigest DigestFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"content file {path} does not exist", path);
        }

        var hash = ContentHashes.ComputeFile(path);
        return new ContentDigest(hash.Sha256.ToByteArray(), hash.Sm3.ToByteArray());
    }

    public static JsonObject ToJson(EvidenceReport report)
    {
        var checks = new JsonArray();
        foreach (var check in report.Checks)
        {
            checks.Add(new JsonObject { ["name"] = check.Name, ["status"] = check.Status.ToString().ToLowerInvariant(), ["detail"] = check.Detail });
        }

        return new JsonObject
        {
            ["verdict"] = VerdictName(report.Verdict),
            ["exitCode"] = ExitCodeOf(report.Verdict),
            ["conclusion"] = report.Conclusion,
            ["anchored"] = report.Anchored,
            ["decision"] = report.Decision switch { LedgerDecision.Accepted => "accepted", LedgerDecision.Rejected => "rejected", _ => null },
            ["rejectionReason"] = report.RejectionReason,
            ["batchItemIndex"] = report.BatchItemIndex,
            ["prior"] = report.Prior is { } prior ? PriorJson(prior) : null,
            ["checkpoint"] = report.Checkpoint is { } checkpoint
                ? new JsonObject
                {
                    ["treeSize"] = checkpoint.TreeSize,
                    ["signingNodes"] = new JsonArray([.. checkpoint.SigningNodeIds.Select(s => (JsonNode)s)]),
                    ["witnesses"] = new JsonArray([.. checkpoint.Witnesses.Select(w => (JsonNode)new JsonObject { ["name"] = w.Name, ["cosignedUtc"] = EvidenceReport.FormatUtcSeconds(w.TimestampUnixSeconds) })]),
                }
                : null,
            ["chainId"] = report.ChainId,
            ["suite"] = report.Suite,
            ["genesisSha256"] = report.GenesisSha256Hex,
            ["txHash"] = report.TxHashHex,
            ["transactionType"] = report.TransactionType,
            ["subject"] = new JsonArray([.. report.Subject.Select(s => (JsonNode)s)]),
            ["signerMemberId"] = report.SignerMemberId,
            ["signerRole"] = report.SignerRole,
            ["signerKeyId"] = report.SignerKeyIdHex,
            ["blockHeight"] = report.BlockHeight,
            ["position"] = report.Position,
            ["blockTimestampUnixMs"] = report.BlockTimestampUnixMs,
            ["blockTimestampUtc"] = report.BlockTimestampUnixMs is { } ms ? EvidenceReport.FormatUtc(ms) : null,
            ["attestingNodes"] = new JsonArray([.. report.AttestingNodeIds.Select(s => (JsonNode)s)]),
            ["blockTimeSkewMilliseconds"] = report.BlockTimeSkewMilliseconds,
            ["timeVouchedFor"] = report.TimeVouchedFor,
            ["checks"] = checks,
        };
    }

    private static JsonObject PriorJson(PriorRegistrationReport prior) => new()
    {
        ["txHash"] = prior.TxHashHex,
        ["batchItemIndex"] = prior.BatchItemIndex,
        ["signerMemberId"] = prior.SignerMemberId,
        ["signerRole"] = prior.SignerRole,
        ["blockHeight"] = prior.BlockHeight,
        ["position"] = prior.Position,
        ["blockTimestampUtc"] = prior.BlockTimestampUnixMs is { } ms ? EvidenceReport.FormatUtc(ms) : null,
        ["attestingNodes"] = new JsonArray([.. prior.AttestingNodeIds.Select(s => (JsonNode)s)]),
        ["subject"] = new JsonArray([.. prior.Subject.Select(s => (JsonNode)s)]),
    };

    public static void WriteText(TextWriter output, EvidenceReport report)
    {
        output.WriteLine("EVIDENCE VERIFICATION REPORT");
        output.WriteLine("============================");
        output.WriteLine($"Consortium:   {report.ChainId ?? "(unreadable genesis)"} (suite {report.Suite ?? "?"})");
        output.WriteLine($"Genesis:      sha256 {report.GenesisSha256Hex}");
        output.WriteLine($"Transaction:  {report.TransactionType ?? "?"} {report.TxHashHex}");
        foreach (var line in report.Subject)
        {
            output.WriteLine($"  what:       {line}");
        }

        output.WriteLine($"Registered by: {(report.SignerMemberId is null ? "(unknown key)" : $"member '{report.SignerMemberId}' ({report.SignerRole})")}, key id {report.SignerKeyIdHex}");
        output.WriteLine($"When:         {(report.BlockTimestampUnixMs is { } ms ? EvidenceReport.FormatUtc(ms) : "?")} (block timestamp), block {report.BlockHeight}, position {report.Position}");
        output.WriteLine($"Certified by: {(report.AttestingNodeIds.Count == 0 ? "(no valid attestation)" : string.Join(", ", report.AttestingNodeIds))}");
        output.WriteLine($"Time:         {report.TimeVouchedFor ?? "(not vouched for: no valid attestation)"} (each attesting node's own clock, when it applied the block)");
        output.WriteLine($"Decision:     {(report.Decision switch { LedgerDecision.Accepted => "ACCEPTED by the ledger", LedgerDecision.Rejected => $"REJECTED by the ledger: {report.RejectionReason}", _ => "(not proven)" })}");
        if (report.Prior is { } prior)
        {
            output.WriteLine($"Earlier registration: tx {prior.TxHashHex}{(prior.BatchItemIndex is { } index ? $", batch item #{index}" : "")}");
            foreach (var line in prior.Subject)
            {
                output.WriteLine($"  what:       {line}");
            }

            output.WriteLine($"  by:         member '{prior.SignerMemberId}' ({prior.SignerRole})");
            output.WriteLine($"  when:       {(prior.BlockTimestampUnixMs is { } priorMs ? EvidenceReport.FormatUtc(priorMs) : "?")} (block timestamp), block {prior.BlockHeight}, position {prior.Position}");
            output.WriteLine($"  certified:  {string.Join(", ", prior.AttestingNodeIds)}");
        }

        if (report.Checkpoint is { } checkpoint)
        {
            output.WriteLine($"Witnesses:    {(checkpoint.Witnesses.Count == 0 ? "(no registered witness cosigned the checkpoint)" : string.Join(", ", checkpoint.Witnesses.Select(w => $"'{w.Name}' (cosigned {EvidenceReport.FormatUtcSeconds(w.TimestampUnixSeconds)})")))} vouched for the log up to size {checkpoint.TreeSize}, signed by {string.Join(", ", checkpoint.SigningNodeIds)}");
        }

        output.WriteLine();
        output.WriteLine("Checks:");
        foreach (var check in report.Checks)
        {
            var mark = check.Status switch
            {
                EvidenceCheckStatus.Passed => "✓",
                EvidenceCheckStatus.Failed => "✗",
                EvidenceCheckStatus.NotAnchored => "?",
                _ => "-",
            };
            output.WriteLine($"  {mark} {check.Name}: {check.Detail}");
        }

        output.WriteLine();
        output.WriteLine($"RESULT: {report.Conclusion}");
    }
}
