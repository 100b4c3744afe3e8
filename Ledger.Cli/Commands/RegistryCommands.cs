using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Infrastructure;
using Ledger.Client;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Commands;

/// <summary>
/// The registry's remaining transactions and queries: <c>transfer</c>, <c>license grant|revoke|show</c>,
/// <c>evidence preserve|show</c>, <c>claim show</c>, <c>works</c> (by owner), <c>claims</c> (by status or
/// work), <c>members</c> and <c>nodes</c> (at a height), <c>key</c> and <c>batch-outcome</c>. Submissions go
/// through <see cref="NodeCommands.SetSubmit"/> (local pre-check, receipt verification); queries are the
/// node's word as of the height they print.
/// </summary>
public static class RegistryCommands
{
    /// <summary>Most records a listing prints (<c>--limit</c>); pages are fetched until it is reached.</summary>
    public const int ListLimitMax = 100_000;

    public const int ListLimitDefault = 100;

    public static IEnumerable<Command> Create(CliEnvironment environment)
    {
        yield return Transfer(environment);
        yield return new Command("license", "Licences: grant, revoke, show") { GrantLicense(environment), RevokeLicense(environment), ShowLicense(environment) };
        yield return Works(environment);
        yield return Claims(environment);
        yield return Members(environment);
        yield return Nodes(environment);
        yield return Key(environment);
        yield return BatchOutcome(environment);
    }

    /// <summary><c>evidence preserve</c> and <c>evidence show</c>, added under the <c>evidence</c> command.</summary>
    public static IEnumerable<Command> CreateEvidence(CliEnvironment environment)
    {
        yield return PreserveEvidence(environment);
        yield return ShowEvidence(environment);
    }

    /// <summary><c>claim show</c>, added under the <c>claim</c> command.</summary>
    public static Command CreateClaimShow(CliEnvironment environment)
    {
        var id = new Argument<string>("CLAIM_ID") { Description = "Claim id (hex: the filing transaction's hash)" };
        return Show(environment, "show", "Show a claim: work, claimant, status, response, resolution, judgment", id, async (client, value, consistency, cancellation) =>
        {
            var response = await client.GetClaimAsync(Hex.Parse(value, "CLAIM_ID"), consistency, cancellation).ConfigureAwait(false);
            return (response.Claim, response.AsOfHeight, $"claim {HexOf(response.Claim.ClaimId)}: {Name(response.Claim.Status)} on work {HexOf(response.Claim.WorkId)}, filed by {response.Claim.ClaimantMemberId} at height {response.Claim.FiledAt?.Height}");
        });
    }

    private static Command Transfer(CliEnvironment environment)
    {
        var work = new Option<string>("--work") { Description = "Work id (hex, 36 bytes)", Required = true };
        var (toMember, toExternal, externalName) = HolderOptions("--to");
        var key = NodeCommands.KeyOption();
        var command = new Command("transfer", "Transfer a work's ownership to a member or an external party (TransferOwnership; the current holder or its steward signs)") { work, toMember, toExternal, externalName, key };
        NodeCommands.SetSubmit(command, environment, key, parse => (TransactionType.TransferOwnership, new TransferOwnership
        {
            WorkId = Id(parse, work, "--work"),
            NewHolder = Holder(parse, toMember, toExternal, externalName),
        }));
        return command;
    }

    private static Command GrantLicense(CliEnvironment environment)
    {
        var work = new Option<string>("--work") { Description = "Work id (hex, 36 bytes)", Required = true };
        var (member, external, externalName) = HolderOptions("--licensee");
        var scope = new Option<string>("--scope") { Description = "What the licence allows (e.g. 'print reproduction')", Required = true };
        var territory = new Option<string>("--territory") { Description = "Where (e.g. 'worldwide', 'EU')", Required = true };
        var start = new Option<string?>("--start") { Description = "Start, ISO 8601 (e.g. 2026-12-07 or 2026-12-07T09:00:00Z; default: now)" };
        var end = new Option<string?>("--end") { Description = "End, ISO 8601 (default: perpetual)" };
        var key = NodeCommands.KeyOption();
        var command = new Command("grant", "Grant a licence on a work (GrantLicense; the holder or its steward signs); prints the licence id") { work, member, external, externalName, scope, territory, start, end, key };
        NodeCommands.SetSubmit(
            command,
            environment,
            key,
            parse => (TransactionType.GrantLicense, new GrantLicense
            {
                WorkId = Id(parse, work, "--work"),
                Licensee = Holder(parse, member, external, externalName),
                Scope = parse.GetValue(scope)!,
                Territory = parse.GetValue(territory)!,
                StartUnixMs = parse.GetValue(start) is { } startText ? UnixMs(startText, "--start") : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                EndUnixMs = parse.GetValue(end) is { } endText ? UnixMs(endText, "--end") : 0,
            }),
            (receipt, json, lines) => IdOfAccepted(receipt, json, lines, "licenseId", "licence id"));
        return command;
    }

    private static Command RevokeLicense(CliEnvironment environment)
    {
        var license = new Option<string>("--license") { Description = "Licence id (hex: the granting transaction's hash)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded)", DefaultValueFactory = _ => "" };
        var key = NodeCommands.KeyOption();
        var command = new Command("revoke", "Revoke a licence (RevokeLicense; the work's holder or its steward signs)") { license, reason, key };
        NodeCommands.SetSubmit(command, environment, key, parse => (TransactionType.RevokeLicense, new RevokeLicense
        {
            LicenseId = Id(parse, license, "--license"),
            Reason = parse.GetValue(reason)!,
        }));
        return command;
    }

    private static Command ShowLicense(CliEnvironment environment)
    {
        var id = new Argument<string>("LICENSE_ID") { Description = "Licence id (hex)" };
        return Show(environment, "show", "Show a licence: work, licensee, scope, territory, period, revocation", id, async (client, value, consistency, cancellation) =>
        {
            var response = await client.GetLicenseAsync(Hex.Parse(value, "LICENSE_ID"), consistency, cancellation).ConfigureAwait(false);
            var license = response.License;
            return (license, response.AsOfHeight, $"licence {HexOf(license.LicenseId)} on work {HexOf(license.WorkId)} to {QueryCommands.Holder(license.Licensee)}: '{license.Scope}' in '{license.Territory}', {Period(license.StartUnixMs, license.EndUnixMs)}{(license.Revoked ? $", REVOKED at height {license.RevokedAt?.Height} ({license.RevocationReason})" : "")}");
        });
    }

    private static Command PreserveEvidence(CliEnvironment environment)
    {
        var material = new Option<string>("--material") { Description = "The captured material (its SHA-256 is recorded, not the file)", Required = true };
        var claim = new Option<string?>("--claim") { Description = "Claim id (hex) the evidence belongs to (optional)" };
        var capturedAt = new Option<string?>("--captured-at") { Description = "When it was captured, ISO 8601 (default: now; not later than the block time)" };
        var method = new Option<string>("--method") { Description = string.Join(" | ", CaptureMethods.Keys), Required = true };
        method.AcceptOnlyFromAmong([.. CaptureMethods.Keys]);
        var description = new Option<string>("--description") { Description = "What it shows (recorded)", DefaultValueFactory = _ => "" };
        var key = NodeCommands.KeyOption();
        var command = new Command("preserve", "Preserve evidence on the ledger (PreserveEvidence; platforms and courts sign); prints the evidence id") { material, claim, capturedAt, method, description, key };
        NodeCommands.SetSubmit(
            command,
            environment,
            key,
            parse =>
            {
                var body = new PreserveEvidence
                {
                    MaterialHash = FileHash(parse.GetValue(material)!),
                    CaptureUnixMs = parse.GetValue(capturedAt) is { } text ? UnixMs(text, "--captured-at") : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    Method = CaptureMethods[parse.GetValue(method)!],
                    Description = parse.GetValue(description)!,
                };
                if (parse.GetValue(claim) is { } claimId)
                {
                    body.ClaimId = ByteString.CopyFrom(Hex.Parse(claimId, "--claim"));
                }

                return (TransactionType.PreserveEvidence, body);
            },
            (receipt, json, lines) => IdOfAccepted(receipt, json, lines, "evidenceId", "evidence id"));
        return command;
    }

    private static Command ShowEvidence(CliEnvironment environment)
    {
        var id = new Argument<string>("EVIDENCE_ID") { Description = "Evidence id (hex: the preserving transaction's hash)" };
        return Show(environment, "show", "Show a preserved-evidence record: material hash, capture time and method, claim, preserver", id, async (client, value, consistency, cancellation) =>
        {
            var response = await client.GetEvidenceAsync(Hex.Parse(value, "EVIDENCE_ID"), consistency, cancellation).ConfigureAwait(false);
            var evidence = response.Evidence;
            return (evidence, response.AsOfHeight, $"evidence {HexOf(evidence.EvidenceId)}: material sha256 {HexOf(evidence.MaterialHash)}, {Name(evidence.Method)} captured {DateTimeOffset.FromUnixTimeMilliseconds(evidence.CaptureUnixMs):u}, preserved by {evidence.PreserverMemberId} at height {evidence.PreservedAt?.Height}{(evidence.ClaimId.IsEmpty ? "" : $" for claim {HexOf(evidence.ClaimId)}")}");
        });
    }

    private static Command Works(CliEnvironment environment)
    {
        var member = new Option<string?>("--owner") { Description = "Member id of the holder" };
        var external = new Option<string?>("--external-owner") { Description = "Identifier of an external holder" };
        var limit = LimitOption();
        var linearizable = QueryCommands.LinearizableOption();
        var command = new Command("works", "List the works a holder owns (exactly one of --owner, --external-owner)") { member, external, limit, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var ownerId = parse.GetValue(member);
            var externalId = parse.GetValue(external);
            if ((ownerId is null) == (externalId is null))
            {
                throw CliException.Usage("give exactly one of --owner MEMBER and --external-owner ID");
            }

            var holder = ownerId is not null
                ? new RightsHolder { MemberId = ArgumentChecks.Identifier(ownerId, "--owner") }
                : new RightsHolder { External = new ExternalHolder { Identifier = externalId! } };
            var max = Limit(parse, limit);
            await using var client = ClientFactory.Create(parse, console);
            var consistency = QueryCommands.Consistency(parse, linearizable);
            var works = new List<WorkRecord>();
            ulong asOf = 0;
            var token = ByteString.Empty;
            bool more;
            while (true)
            {
                // Later pages need not be linearizable again: the first page fixed the starting point.
                var page = await client.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = holder, PageSize = PageSize(max - works.Count), PageToken = token, Consistency = token.IsEmpty ? consistency : ReadConsistency.Local }, cancellation).ConfigureAwait(false);
                asOf = asOf == 0 ? page.AsOfHeight : asOf;
                works.AddRange(page.Works.Take(max - works.Count));
                token = page.NextPageToken;
                more = !token.IsEmpty;
                if (!more || works.Count >= max)
                {
                    break;
                }
            }

            var lines = works.Select(w => $"{HexOf(w.WorkId)}  {w.MediaType}  \"{w.Title}\"").ToList();
            lines.Add($"{works.Count} work(s) held by {QueryCommands.Holder(holder)} (as of height {asOf}){(more ? $"; more exist (raise --limit, at most {ListLimitMax})" : "")}");
            console.Result(
                new JsonObject { ["holder"] = QueryCommands.Holder(holder), ["asOfHeight"] = asOf, ["truncated"] = more, ["works"] = new JsonArray([.. works.Select(w => (JsonNode)QueryCommands.WorkJson(w))]) },
                [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Claims(CliEnvironment environment)
    {
        var status = new Option<string?>("--status") { Description = string.Join(" | ", ClaimStatuses.Keys) };
        status.AcceptOnlyFromAmong([.. ClaimStatuses.Keys]);
        var work = new Option<string?>("--work") { Description = "Work id (hex): the claims filed against it" };
        var limit = LimitOption();
        var linearizable = QueryCommands.LinearizableOption();
        var command = new Command("claims", "List claims by status or by work (exactly one of --status, --work)") { status, work, limit, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var statusName = parse.GetValue(status);
            var workHex = parse.GetValue(work);
            if ((statusName is null) == (workHex is null))
            {
                throw CliException.Usage("give exactly one of --status STATUS and --work WORK_ID");
            }

            var workId = workHex is null ? null : ByteString.CopyFrom(Hex.Parse(workHex, "--work"));
            var max = Limit(parse, limit);
            var consistency = QueryCommands.Consistency(parse, linearizable);
            await using var client = ClientFactory.Create(parse, console);
            var claims = new List<ClaimRecord>();
            ulong asOf = 0;
            var token = ByteString.Empty;
            bool more;
            while (true)
            {
                var page = workId is not null
                    ? await client.ListClaimsByWorkAsync(new ListClaimsByWorkRequest { WorkId = workId, PageSize = PageSize(max - claims.Count), PageToken = token, Consistency = token.IsEmpty ? consistency : ReadConsistency.Local }, cancellation).ConfigureAwait(false)
                    : await client.ListClaimsByStatusAsync(new ListClaimsByStatusRequest { Status = ClaimStatuses[statusName!], PageSize = PageSize(max - claims.Count), PageToken = token, Consistency = token.IsEmpty ? consistency : ReadConsistency.Local }, cancellation).ConfigureAwait(false);
                asOf = asOf == 0 ? page.AsOfHeight : asOf;
                claims.AddRange(page.Claims.Take(max - claims.Count));
                token = page.NextPageToken;
                more = !token.IsEmpty;
                if (!more || claims.Count >= max)
                {
                    break;
                }
            }

            var lines = claims.Select(c => $"{HexOf(c.ClaimId)}  {Name(c.Status),-9}  work {HexOf(c.WorkId)}  by {c.ClaimantMemberId}  item '{c.InfringingItemId}'").ToList();
            lines.Add($"{claims.Count} claim(s) {(workId is null ? $"in status {statusName}" : $"against work {workHex}")} (as of height {asOf}){(more ? $"; more exist (raise --limit, at most {ListLimitMax})" : "")}");
            console.Result(
                new JsonObject { ["asOfHeight"] = asOf, ["truncated"] = more, ["claims"] = new JsonArray([.. claims.Select(c => JsonNode.Parse(JsonFormatter.Default.Format(c)))]) },
                [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Members(CliEnvironment environment)
    {
        var height = new Option<ulong?>("--height") { Description = "Block height (0 = genesis; default: the node's latest)" };
        var linearizable = QueryCommands.LinearizableOption();
        var command = new Command("members", "The consortium's members, roles and valid keys at the end of a block") { height, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var consistency = QueryCommands.Consistency(parse, linearizable);
            var at = parse.GetValue(height) ?? (await client.StatusAsync(cancellation).ConfigureAwait(false)).Height;
            var response = await client.GetMembersAtAsync(at, consistency, cancellation).ConfigureAwait(false);
            var lines = response.Members.Select(m => $"{m.MemberId,-20} {Name(m.Role),-13} {(m.Active ? "active" : "removed"),-7} {m.ValidKeys.Count} key(s): {string.Join(", ", m.ValidKeys.Select(k => $"{HexOf(k.KeyId)[..Math.Min(16, k.KeyId.Length * 2)]}… ({k.Suite})"))}").ToList();
            lines.Add($"{response.Members.Count} member(s) at height {response.Height} (as of height {response.AsOfHeight})");
            console.Result(JsonNode.Parse(JsonFormatter.Default.Format(response))!, [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Nodes(CliEnvironment environment)
    {
        var height = new Option<ulong?>("--height") { Description = "Block height: the nodes in force at its end (0 = genesis; default: every node ever added, active or not)" };
        var linearizable = QueryCommands.LinearizableOption();
        var command = new Command("nodes", "The consortium's nodes: id, peer address, key, when added and removed") { height, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var consistency = QueryCommands.Consistency(parse, linearizable);
            var at = parse.GetValue(height);
            var response = at is { } h
                ? await client.GetNodesAtAsync(h, consistency, cancellation).ConfigureAwait(false)
                : await client.GetNodesAsync(consistency, cancellation).ConfigureAwait(false);
            var lines = response.Nodes.Select(n => $"{n.NodeId,-12} {(n.Active ? "active" : "removed"),-7} {n.Address}  added at height {n.AddedAt?.Height ?? 0}{(n.RemovedAt is null ? "" : $", removed at height {n.RemovedAt.Height}")}").ToList();
            lines.Add($"{response.Nodes.Count} node(s){(at is { } shown ? $" at height {shown}" : "")} (as of height {response.AsOfHeight})");
            console.Result(JsonNode.Parse(JsonFormatter.Default.Format(response))!, [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Key(CliEnvironment environment)
    {
        var id = new Argument<string>("KEY_ID") { Description = "Key id (hex)" };
        return Show(environment, "key", "Show a member key: member, suite, public key, validity", id, async (client, value, consistency, cancellation) =>
        {
            var response = await client.GetKeyAsync(Hex.Parse(value, "KEY_ID"), consistency, cancellation).ConfigureAwait(false);
            var key = response.Key;
            return (key, response.AsOfHeight, $"key {HexOf(key.KeyId)} of {key.MemberId} ({key.Suite}): valid from height {key.ValidFrom?.Height ?? 0}{(key.ValidUntil is null ? "" : $" until height {key.ValidUntil.Height}")}");
        });
    }

    private static Command BatchOutcome(CliEnvironment environment)
    {
        var id = new Argument<string>("TX_HASH") { Description = "The BatchRegister transaction's hash (hex)" };
        return Show(environment, "batch-outcome", "Show a committed batch's per-item outcomes (accepted items and each refusal)", id, async (client, value, consistency, cancellation) =>
        {
            var response = await client.GetBatchOutcomeAsync(Hex.Parse(value, "TX_HASH"), consistency, cancellation).ConfigureAwait(false);
            return (response.Outcome, response.AsOfHeight, $"batch {value}: outcome as of height {response.AsOfHeight} (JSON with -o json)");
        });
    }

    /// <summary>A one-record query: the record as JSON (protobuf JSON mapping) or one summary line.</summary>
    private static Command Show<T>(CliEnvironment environment, string name, string description, Argument<string> id, Func<LedgerClient, string, ReadConsistency, CancellationToken, Task<(T Record, ulong AsOf, string Line)>> fetch)
        where T : IMessage
    {
        var linearizable = QueryCommands.LinearizableOption();
        var command = new Command(name, description) { id, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            await using var client = ClientFactory.Create(parse, console);
            var (record, asOf, line) = await fetch(client, parse.GetValue(id)!, QueryCommands.Consistency(parse, linearizable), cancellation).ConfigureAwait(false);
            var json = JsonNode.Parse(JsonFormatter.Default.Format(record))!.AsObject();
            json["asOfHeight"] = asOf;
            console.Result(json, $"{line} (as of height {asOf})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Option<string?> Member, Option<string?> External, Option<string?> ExternalName) HolderOptions(string prefix) =>
        (new Option<string?>($"{prefix}-member") { Description = "Member id" },
         new Option<string?>($"{prefix}-external") { Description = "External party's identifier (with --external-name)" },
         new Option<string?>("--external-name") { Description = "External party's name" });

    private static RightsHolder Holder(ParseResult parse, Option<string?> member, Option<string?> external, Option<string?> externalName)
    {
        var memberId = parse.GetValue(member);
        var externalId = parse.GetValue(external);
        if ((memberId is null) == (externalId is null))
        {
            throw CliException.Usage($"give exactly one of {member.Name} MEMBER and {external.Name} ID");
        }

        if (memberId is not null)
        {
            return new RightsHolder { MemberId = ArgumentChecks.Identifier(memberId, member.Name) };
        }

        var name = parse.GetValue(externalName) ?? throw CliException.Usage($"{external.Name} needs --external-name NAME");
        return new RightsHolder { External = new ExternalHolder { Identifier = externalId!, Name = name } };
    }

    private static void IdOfAccepted(Ledger.Client.Verification.CheckedReceipt receipt, JsonObject json, List<string> lines, string jsonName, string textName)
    {
        // A licence's and an evidence record's id is the hash of the transaction that created it.
        var accepted = receipt.Result?.Code == ResultCode.Ok;
        json[jsonName] = accepted ? Convert.ToHexStringLower(receipt.TxHash.Span) : null;
        if (accepted)
        {
            lines.Add($"{textName}: {Convert.ToHexStringLower(receipt.TxHash.Span)}");
        }
    }

    private static Option<int> LimitOption() => new("--limit") { Description = $"Most records to print (1..{ListLimitMax})", DefaultValueFactory = _ => ListLimitDefault };

    private static int Limit(ParseResult parse, Option<int> limit) => ArgumentChecks.RequireWithin(parse.GetValue(limit), 1, ListLimitMax, "--limit");

    private static uint PageSize(int remaining) => (uint)Math.Clamp(remaining, 1, LedgerClient.RegistryPageSize);

    private static ByteString Id(ParseResult parse, Option<string> option, string what) => ByteString.CopyFrom(Hex.Parse(parse.GetValue(option)!, what));

    private static ByteString FileHash(string path)
    {
        using var stream = File.OpenRead(path);
        return ByteString.CopyFrom(SHA256.HashData(stream));
    }

    /// <summary>An ISO 8601 date or date-time (UTC unless it says otherwise) as Unix milliseconds.</summary>
    internal static long UnixMs(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeMilliseconds()
            : throw CliException.Usage($"{option} '{text}' is not an ISO 8601 date or date-time (e.g. 2026-12-07 or 2026-12-07T09:00:00Z)");

    private static string Period(long startMs, long endMs) =>
        $"from {DateTimeOffset.FromUnixTimeMilliseconds(startMs):u}{(endMs == 0 ? ", perpetual" : $" to {DateTimeOffset.FromUnixTimeMilliseconds(endMs):u}")}";

    private static string HexOf(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        // MemberRole.RightsHolder -> "rights-holder", ClaimStatus.Filed -> "filed".
        var text = value.ToString();
        var name = new System.Text.StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0)
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(text[i]));
        }

        return name.ToString();
    }

    private static readonly Dictionary<string, ClaimStatus> ClaimStatuses = new(StringComparer.Ordinal)
    {
        ["filed"] = ClaimStatus.Filed,
        ["responded"] = ClaimStatus.Responded,
        ["resolved"] = ClaimStatus.Resolved,
        ["judged"] = ClaimStatus.Judged,
    };

    private static readonly Dictionary<string, CaptureMethod> CaptureMethods = new(StringComparer.Ordinal)
    {
        ["screenshot"] = CaptureMethod.Screenshot,
        ["web-archive"] = CaptureMethod.WebArchive,
        ["screen-recording"] = CaptureMethod.ScreenRecording,
        ["test-purchase"] = CaptureMethod.TestPurchase,
        ["notarized"] = CaptureMethod.Notarized,
        ["other"] = CaptureMethod.Other,
    };
}
