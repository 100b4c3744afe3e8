using System.CommandLine;
using System.Security.Cryptography;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Commands;

/// <summary><c>ledger claim file|respond|resolve</c> and <c>ledger judgment record</c>.</summary>
public static class ClaimCommands
{
    public static Command Create(CliEnvironment environment)
    {
        return new Command("claim", "Infringement claims: file, respond (counter-notice), resolve")
        {
            File(environment),
            Respond(environment),
            Resolve(environment),
            RegistryCommands.CreateClaimShow(environment),
        };
    }

    public static Command CreateJudgment(CliEnvironment environment)
    {
        var claim = new Option<string>("--claim") { Description = "Claim id (hex)", Required = true };
        var ruling = new Option<string>("--ruling") { Description = "infringement-found | no-infringement | dismissed | settled", Required = true };
        ruling.AcceptOnlyFromAmong("infringement-found", "no-infringement", "dismissed", "settled");
        var document = new Option<string>("--document") { Description = "The judgment document (its SHA-256 is recorded)", Required = true };
        var caseNumber = new Option<string>("--case-number") { Description = "Court case number", Required = true };
        var key = NodeCommands.KeyOption();
        var record = new Command("record", "Record a court judgment on a claim (court members only)") { claim, ruling, document, caseNumber, key };
        NodeCommands.SetSubmit(record, environment, key, parse => (TransactionType.RecordJudgment, new RecordJudgment
        {
            ClaimId = Id(parse.GetValue(claim)!, "--claim"),
            Ruling = parse.GetValue(ruling) switch
            {
                "infringement-found" => Ruling.InfringementFound,
                "no-infringement" => Ruling.NoInfringement,
                "dismissed" => Ruling.Dismissed,
                _ => Ruling.Settled,
            },
            JudgmentDocumentHash = FileHash(parse.GetValue(document)!),
            CaseNumber = parse.GetValue(caseNumber)!,
        }));
        return new Command("judgment", "Court judgments") { record };
    }

    private static Command File(CliEnvironment environment)
    {
        var work = new Option<string>("--work") { Description = "Work id (hex, 36 bytes)", Required = true };
        var item = new Option<string>("--infringing-item") { Description = "The infringing item (listing id, URL)", Required = true };
        var content = new Option<string?>("--infringing-file") { Description = "A copy of the infringing content (its SHA-256 is recorded)" };
        var evidence = new Option<string[]>("--evidence") { Description = "Evidence files (SHA-256 recorded; repeatable)" };
        var accused = new Option<string?>("--accused") { Description = "Accused member id, if a consortium member" };
        var key = NodeCommands.KeyOption();
        var command = new Command("file", "File an infringement claim against a registered work") { work, item, content, evidence, accused, key };
        NodeCommands.SetSubmit(command, environment, key, parse =>
        {
            var body = new FileClaim
            {
                WorkId = Id(parse.GetValue(work)!, "--work"),
                InfringingItemId = parse.GetValue(item)!,
                AccusedMemberId = parse.GetValue(accused) ?? "",
            };
            if (parse.GetValue(content) is { } path)
            {
                body.InfringingContentSha256 = FileHash(path);
            }

            body.EvidenceHashes.AddRange((parse.GetValue(evidence) ?? []).Select(FileHash));
            return (TransactionType.FileClaim, body);
        });
        return command;
    }

    private static Command Respond(CliEnvironment environment)
    {
        var claim = new Option<string>("--claim") { Description = "Claim id (hex)", Required = true };
        var statement = new Option<string>("--statement") { Description = "Counter-notice statement file (SHA-256 recorded)", Required = true };
        var evidence = new Option<string[]>("--evidence") { Description = "Evidence files (repeatable)" };
        var key = NodeCommands.KeyOption();
        var command = new Command("respond", "Respond to a claim (counter-notice)") { claim, statement, evidence, key };
        NodeCommands.SetSubmit(command, environment, key, parse =>
        {
            var body = new RespondToClaim { ClaimId = Id(parse.GetValue(claim)!, "--claim"), StatementHash = FileHash(parse.GetValue(statement)!) };
            body.EvidenceHashes.AddRange((parse.GetValue(evidence) ?? []).Select(FileHash));
            return (TransactionType.RespondToClaim, body);
        });
        return command;
    }

    private static Command Resolve(CliEnvironment environment)
    {
        var claim = new Option<string>("--claim") { Description = "Claim id (hex)", Required = true };
        var resolution = new Option<string>("--resolution") { Description = "takedown | reinstated | rejected", Required = true };
        resolution.AcceptOnlyFromAmong("takedown", "reinstated", "rejected");
        var note = new Option<string>("--note") { Description = "Note", DefaultValueFactory = _ => "" };
        var key = NodeCommands.KeyOption();
        var command = new Command("resolve", "Resolve a claim (platform members)") { claim, resolution, note, key };
        NodeCommands.SetSubmit(command, environment, key, parse => (TransactionType.ResolveClaim, new ResolveClaim
        {
            ClaimId = Id(parse.GetValue(claim)!, "--claim"),
            Resolution = parse.GetValue(resolution) switch
            {
                "takedown" => ClaimResolution.Takedown,
                "reinstated" => ClaimResolution.Reinstated,
                _ => ClaimResolution.Rejected,
            },
            Note = parse.GetValue(note)!,
        }));
        return command;
    }

    private static ByteString Id(string hex, string what) => ByteString.CopyFrom(Hex.Parse(hex, what));

    private static ByteString FileHash(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return ByteString.CopyFrom(SHA256.HashData(stream));
    }
}
