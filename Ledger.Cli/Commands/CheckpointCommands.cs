using System.CommandLine;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Cli.Witness;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger checkpoint get</c>: fetch a signed checkpoint (C2SP tlog-checkpoint with the nodes'
/// signatures and the witnesses' cosignatures), check its quorum against the genesis node set,
/// write it. <c>ledger checkpoint verify</c>: the same check, offline, on a saved note.
/// Exit 1 when the note does not carry a quorum of valid node signatures.
/// </summary>
public static class CheckpointCommands
{
    public static Command Create(CliEnvironment environment)
    {
        return new Command("checkpoint", "C2SP checkpoints of the log: signed by the nodes, cosigned by witnesses (docs/checkpoints.md)")
        {
            CreateGet(environment),
            CreateVerify(environment),
        };
    }

    /// <summary>The genesis a checkpoint command checks against: --genesis or LEDGER_GENESIS, required.</summary>
    internal static ConsortiumGenesis RequireGenesis(ParseResult parse, string command)
    {
        var path = CliSettings.Genesis(parse, ClientFactory.Genesis).Value
            ?? throw CliException.Usage($"{command} needs the consortium genesis: --genesis FILE (or LEDGER_GENESIS)");
        return ConsortiumGenesis.Parse(Files.ReadAllBytes(path, ConsortiumGenesis.DocumentBytesMax, "genesis"));
    }

    /// <summary>Prints the verification and returns the exit code: 0 when valid, 1 otherwise.</summary>
    internal static int Report(CliOutput console, CheckpointVerification verification, string? writtenTo)
    {
        var checkpoint = verification.Checkpoint;
        var json = new JsonObject
        {
            ["valid"] = verification.IsValid,
            ["origin"] = checkpoint?.Origin,
            ["treeSize"] = checkpoint?.TreeSize,
            ["rootHash"] = checkpoint is null ? null : Convert.ToBase64String(checkpoint.RootHash),
            ["signingNodes"] = new JsonArray([.. verification.SigningNodes.Select(n => (JsonNode)n)]),
            ["quorum"] = verification.Quorum,
            ["witnesses"] = new JsonArray([.. verification.Witnesses.Select(w => (JsonNode)new JsonObject { ["name"] = w.Name, ["timestampUnixSeconds"] = w.TimestampUnixSeconds })]),
            ["problem"] = verification.Problem,
            ["out"] = writtenTo,
        };
        var lines = new List<string>();
        if (checkpoint is not null)
        {
            lines.Add($"checkpoint {checkpoint.Origin} size {checkpoint.TreeSize} root {Convert.ToBase64String(checkpoint.RootHash)}");
        }

        lines.Add($"{(verification.QuorumMet ? "✓" : "✗")} signed by {verification.SigningNodes.Count} of {verification.NodeCount} nodes (quorum {verification.Quorum}): {string.Join(", ", verification.SigningNodes)}");
        lines.Add(verification.Witnesses.Count == 0
            ? "  no registered witness cosigned it"
            : "  cosigned by " + string.Join(", ", verification.Witnesses.Select(w => $"{w.Name} at {DateTimeOffset.FromUnixTimeSeconds((long)Math.Min(w.TimestampUnixSeconds, (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())):u}")));
        lines.Add(verification.IsValid ? $"VALID{(writtenTo is null ? "" : $" — written to {writtenTo}")}" : $"INVALID — {verification.Problem}");
        console.Result(json, [.. lines]);
        return verification.IsValid ? ExitCodes.Ok : ExitCodes.VerificationFailed;
    }

    private static Command CreateGet(CliEnvironment environment)
    {
        var output = new Option<string?>("--out") { Description = "Write the signed note here (default: print it)" };
        var size = new Option<ulong>("--size") { Description = "Tree size of the checkpoint (default 0 = the latest certified)" };
        var command = new Command("get", "Fetch the latest checkpoint with its signatures and cosignatures and check its node quorum against the genesis") { output, size };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesis = RequireGenesis(parse, "checkpoint get");
            await using var client = ClientFactory.Create(parse, console);
            var note = await new LedgerClientWitnessLedger(client).GetCheckpointAsync(parse.GetValue(size), cancellation).ConfigureAwait(false);
            var verification = CheckpointVerifier.Verify(note, CheckpointTrust.FromGenesis(genesis));
            string? writtenTo = null;
            if (verification.IsValid)
            {
                if (parse.GetValue(output) is { } path)
                {
                    Files.WritePublic(path, note);
                    writtenTo = path;
                }
                else if (!console.IsJson)
                {
                    console.Out.Write(note);
                }
            }

            return Report(console, verification, writtenTo);
        });
        return command;
    }

    private static Command CreateVerify(CliEnvironment environment)
    {
        var file = new Argument<string>("note") { Description = "A signed checkpoint note (from 'checkpoint get --out')" };
        var command = new Command("verify", "Check a saved checkpoint's node quorum and witness cosignatures against the genesis, offline") { file, ClientFactory.Genesis };
        CommandAction.Set(command, environment, (parse, console) =>
        {
            var genesis = RequireGenesis(parse, "checkpoint verify");
            var bytes = Files.ReadAllBytes(parse.GetValue(file)!, NoteLimits.NoteBytesMax, "checkpoint note");
            var verification = CheckpointVerifier.Verify(bytes, CheckpointTrust.FromGenesis(genesis));
            return Report(console, verification, null);
        });
        return command;
    }
}
