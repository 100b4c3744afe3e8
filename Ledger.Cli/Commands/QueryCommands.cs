using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Google.Protobuf;
using Ledger.Client;
using Ledger.Client.Content;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger work</c>, <c>find</c>, <c>history</c> and <c>similar</c>: registry queries. These answers
/// are the node's word (no proof): an evidence bundle is what verifies offline.
/// </summary>
public static class QueryCommands
{
    public const uint SimilarDistanceDefault = 4;
    public const uint SimilarDistanceMax = 8;
    public const uint SimilarLimitDefault = 20;

    public static IEnumerable<Command> Create(CliEnvironment environment)
    {
        yield return Work(environment);
        yield return Find(environment);
        yield return History(environment);
        yield return Similar(environment);
    }

    internal static Option<bool> LinearizableOption() => new("--linearizable")
    {
        Description = "Confirm the read through the leader (ReadIndex) instead of reading the node's applied state",
    };

    private static Command Work(CliEnvironment environment)
    {
        var id = new Argument<string>("WORK_ID") { Description = "Work id (hex, 36 bytes: registering tx hash || item index)" };
        var linearizable = LinearizableOption();
        var command = new Command("work", "Show a registered work") { id, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var workId = Hex.Parse(parse.GetValue(id)!, "WORK_ID");
            await using var client = ClientFactory.Create(parse, console);
            var response = await client.GetWorkAsync(workId, Consistency(parse, linearizable), cancellation).ConfigureAwait(false);
            WriteWork(console, response);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Find(CliEnvironment environment)
    {
        var file = new Argument<string?>("FILE")
        {
            Description = "A copy of the content (its SHA-256 and SM3 are computed; the suite's required one is looked up first, then the other)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var sha256 = new Option<string?>("--sha256") { Description = "The content's SHA-256 (hex) instead of a file" };
        var sm3 = new Option<string?>("--sm3") { Description = "The content's SM3 (hex) instead of a file" };
        var linearizable = LinearizableOption();
        var command = new Command("find", "Find the work registered with a content hash, SHA-256 or SM3 (exit 3 if none)") { file, sha256, sm3, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var path = parse.GetValue(file);
            var sha256Hex = parse.GetValue(sha256);
            var sm3Hex = parse.GetValue(sm3);
            if ((path is null ? 0 : 1) + (sha256Hex is null ? 0 : 1) + (sm3Hex is null ? 0 : 1) != 1)
            {
                throw CliException.Usage("give one of FILE, --sha256 HEX or --sm3 HEX");
            }

            var hash = path is not null
                ? await ContentHashes.ComputeFileAsync(path, cancellation).ConfigureAwait(false)
                : new ContentHash
                {
                    Sha256 = sha256Hex is null ? ByteString.Empty : ByteString.CopyFrom(ContentHashArgument(sha256Hex, "--sha256")),
                    Sm3 = sm3Hex is null ? ByteString.Empty : ByteString.CopyFrom(ContentHashArgument(sm3Hex, "--sm3")),
                };

            await using var client = ClientFactory.Create(parse, console);
            var response = await client.FindByContentAsync(hash, Consistency(parse, linearizable), cancellation).ConfigureAwait(false);
            WriteWork(console, response);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static byte[] ContentHashArgument(string hex, string option)
    {
        var hash = Hex.Parse(hex, option);
        return hash.Length == ContentHashPolicy.HashBytes ? hash : throw CliException.Usage($"{option} must be {ContentHashPolicy.HashBytes * 2} hex digits");
    }

    private static Command History(CliEnvironment environment)
    {
        var id = new Argument<string>("WORK_ID") { Description = "Work id (hex, 36 bytes)" };
        var linearizable = LinearizableOption();
        var command = new Command("history", "A work's full history in chain order: registration, transfers, licences, claims, evidence, judgments") { id, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var workId = Hex.Parse(parse.GetValue(id)!, "WORK_ID");
            await using var client = ClientFactory.Create(parse, console);
            var events = new JsonArray();
            await foreach (var workEvent in client.ReadWorkHistoryAsync(workId, Consistency(parse, linearizable), cancellation).ConfigureAwait(false))
            {
                if (console.IsJson)
                {
                    events.Add(EventJson(workEvent));
                }
                else
                {
                    console.Out.WriteLine(EventLine(workEvent));
                }
            }

            if (console.IsJson)
            {
                console.Json(new JsonObject { ["workId"] = Convert.ToHexStringLower(workId), ["events"] = events });
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Similar(CliEnvironment environment)
    {
        var image = new Argument<string?>("IMAGE") { Description = "PNG or JPEG file whose perceptual hash is searched for", Arity = ArgumentArity.ZeroOrOne };
        var phash = new Option<string?>("--phash") { Description = "Search for this 64-bit perceptual hash (16 hex digits) instead of an image's" };
        var distance = new Option<uint>("--distance", "-k") { Description = $"Largest Hamming distance in bits (at most {SimilarDistanceMax})", DefaultValueFactory = _ => SimilarDistanceDefault };
        var limit = new Option<uint>("--limit") { Description = "Most matches to show (at most 1000)", DefaultValueFactory = _ => SimilarLimitDefault };
        var linearizable = LinearizableOption();
        var command = new Command("similar", "Registered works whose perceptual hash is within --distance bits, nearest first") { image, phash, distance, limit, linearizable };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            ulong query;
            if (parse.GetValue(phash) is { } hex)
            {
                if (hex.Length != 16 || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out query))
                {
                    throw CliException.Usage("--phash must be 16 hex digits");
                }
            }
            else
            {
                var imagePath = parse.GetValue(image) ?? throw CliException.Usage("similar needs an IMAGE (PNG or JPEG) or --phash");
                query = ImageHashing.TryCompute(imagePath) ?? throw CliException.InvalidInput($"{imagePath} is not a PNG or JPEG image");
            }

            var maxDistance = parse.GetValue(distance);
            if (maxDistance > SimilarDistanceMax)
            {
                throw CliException.Usage($"--distance must be at most {SimilarDistanceMax}");
            }

            await using var client = ClientFactory.Create(parse, console);
            var response = await client.FindSimilarWorksAsync(query, maxDistance, parse.GetValue(limit), Consistency(parse, linearizable), cancellation).ConfigureAwait(false);
            var matches = new JsonArray();
            foreach (var match in response.Matches)
            {
                var json = WorkJson(match.Work);
                json["distance"] = match.Distance;
                matches.Add(json);
            }

            var lines = new List<string>(response.Matches.Count + 2);
            foreach (var match in response.Matches)
            {
                lines.Add($"{Convert.ToHexStringLower(match.WorkId.Span)}  distance {match.Distance}  phash {match.PerceptualHash:x16}  {match.Work?.Title}");
            }

            lines.Add($"{response.Matches.Count} work(s) within {maxDistance} bits of {query:x16} (as of height {response.AsOfHeight})");
            if (response.Truncated)
            {
                lines.Add("warning: the node hit its candidate bound; closer matches may be missing");
            }

            console.Result(new JsonObject { ["phash"] = query.ToString("x16", CultureInfo.InvariantCulture), ["maxDistance"] = maxDistance, ["truncated"] = response.Truncated, ["asOfHeight"] = response.AsOfHeight, ["matches"] = matches }, [.. lines]);
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static ReadConsistency Consistency(ParseResult parse, Option<bool> linearizable) =>
        parse.GetValue(linearizable) ? ReadConsistency.Linearizable : ReadConsistency.Local;

    private static void WriteWork(CliOutput console, GetWorkResponse response)
    {
        var work = response.Work;
        var json = WorkJson(work);
        json["asOfHeight"] = response.AsOfHeight;
        console.Result(
            json,
            $"work {Convert.ToHexStringLower(work.WorkId.Span)}: \"{work.Title}\" ({work.MediaType})",
            $"content:    {ContentHashesText(work)}{(work.HasPerceptualHash ? $", phash {work.PerceptualHash:x16}" : "")}",
            $"holder:     {Holder(work.RightsHolder)}{(work.StewardMemberId.Length > 0 ? $" (steward {work.StewardMemberId})" : "")}",
            $"registered: block {work.RegisteredAt?.Height} position {work.RegisteredAt?.Index}, tx {Convert.ToHexStringLower(work.RegisteredTxHash.Span)}, by {work.RegistrantMemberId}, {DateTimeOffset.FromUnixTimeMilliseconds(work.RegisteredTimestampUnixMs):u}");
    }

    internal static JsonObject WorkJson(WorkRecord? work)
    {
        if (work is null)
        {
            return [];
        }

        var json = new JsonObject
        {
            ["workId"] = Convert.ToHexStringLower(work.WorkId.Span),
            ["title"] = work.Title,
            ["mediaType"] = work.MediaType.ToString(),
            ["contentSha256"] = Sha256Hex(work),
            ["contentSm3"] = Sm3Hex(work),
            ["holder"] = Holder(work.RightsHolder),
            ["registrant"] = work.RegistrantMemberId,
            ["registeredHeight"] = work.RegisteredAt?.Height,
            ["registeredPosition"] = work.RegisteredAt?.Index,
            ["registeredTxHash"] = Convert.ToHexStringLower(work.RegisteredTxHash.Span),
            ["registeredTimestampUnixMs"] = work.RegisteredTimestampUnixMs,
        };
        if (work.HasPerceptualHash)
        {
            json["phash"] = work.PerceptualHash.ToString("x16", CultureInfo.InvariantCulture);
        }

        if (work.ItemId.Length > 0)
        {
            json["itemId"] = work.ItemId;
        }

        return json;
    }

    private static JsonObject EventJson(WorkEvent workEvent)
    {
        var json = new JsonObject
        {
            ["kind"] = Kind(workEvent.Kind),
            ["height"] = workEvent.At?.Height,
            ["position"] = workEvent.At?.Index,
            ["txHash"] = Convert.ToHexStringLower(workEvent.TxHash.Span),
            ["actor"] = workEvent.ActorMemberId,
        };
        if (!workEvent.SubjectId.IsEmpty)
        {
            json["subjectId"] = Convert.ToHexStringLower(workEvent.SubjectId.Span);
        }

        if (workEvent.NewHolder is not null)
        {
            json["newHolder"] = Holder(workEvent.NewHolder);
        }

        if (workEvent.PreviousHolder is not null)
        {
            json["previousHolder"] = Holder(workEvent.PreviousHolder);
        }

        return json;
    }

    private static string EventLine(WorkEvent workEvent)
    {
        var line = $"block {workEvent.At?.Height} position {workEvent.At?.Index}  {Kind(workEvent.Kind),-22} by {workEvent.ActorMemberId}  tx {Convert.ToHexStringLower(workEvent.TxHash.Span)}";
        if (workEvent.PreviousHolder is not null)
        {
            line += $"  {Holder(workEvent.PreviousHolder)} -> {Holder(workEvent.NewHolder)}";
        }
        else if (workEvent.NewHolder is not null)
        {
            line += $"  holder {Holder(workEvent.NewHolder)}";
        }

        if (!workEvent.SubjectId.IsEmpty && !workEvent.SubjectId.Equals(workEvent.TxHash))
        {
            line += $"  subject {Convert.ToHexStringLower(workEvent.SubjectId.Span)}";
        }

        return line;
    }

    private static string Kind(WorkEventKind kind) => kind switch
    {
        WorkEventKind.Registered => "registered",
        WorkEventKind.OwnershipTransferred => "ownership-transferred",
        WorkEventKind.LicenseGranted => "license-granted",
        WorkEventKind.LicenseRevoked => "license-revoked",
        WorkEventKind.ClaimFiled => "claim-filed",
        WorkEventKind.ClaimResponded => "claim-responded",
        WorkEventKind.ClaimResolved => "claim-resolved",
        WorkEventKind.EvidencePreserved => "evidence-preserved",
        WorkEventKind.JudgmentRecorded => "judgment-recorded",
        _ => kind.ToString(),
    };

    private static string Sm3Hex(WorkRecord work) => work.ContentHash is null ? "" : Convert.ToHexStringLower(work.ContentHash.Sm3.Span);

    /// <summary>"sha256 …, sm3 …", naming only the hashes the work carries.</summary>
    private static string ContentHashesText(WorkRecord work)
    {
        var parts = new List<string>(2);
        if (Sha256Hex(work) is { Length: > 0 } sha256)
        {
            parts.Add($"sha256 {sha256}");
        }

        if (Sm3Hex(work) is { Length: > 0 } sm3)
        {
            parts.Add($"sm3 {sm3}");
        }

        return string.Join(", ", parts);
    }

    private static string Sha256Hex(WorkRecord work) => work.ContentHash is null ? "" : Convert.ToHexStringLower(work.ContentHash.Sha256.Span);

    internal static string Holder(RightsHolder? holder) => holder?.HolderCase switch
    {
        RightsHolder.HolderOneofCase.MemberId => $"member:{holder.MemberId}",
        RightsHolder.HolderOneofCase.External => $"external:{holder.External.Identifier} ({holder.External.Name})",
        _ => "(none)",
    };
}
