using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Ledger.Cli.Infrastructure;
using Ledger.Cli.Witness;
using Ledger.Client;
using Ledger.Core.Checkpoints;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger witness run</c>: a long-running C2SP witness. Each poll it fetches the latest
/// checkpoint, checks the genesis node quorum, checks an RFC 9162 consistency proof from the last
/// checkpoint it cosigned (kept in --state), and only then cosigns (cosignature/v1) and sends the
/// cosignature to the node. On a fork it writes a report (both checkpoints and the proof) to
/// --fork-report, prints it and exits <see cref="ForkExitCode"/>.
/// </summary>
public static class WitnessCommands
{
    /// <summary>Exit code of a detected fork: a verification finding (the report file names it).</summary>
    public const int ForkExitCode = ExitCodes.VerificationFailed;

    /// <summary>Fastest polling a witness may do: it costs each node a checkpoint and a proof per poll.</summary>
    public static readonly TimeSpan IntervalMin = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan IntervalMax = TimeSpan.FromHours(1);

    public static readonly TimeSpan IntervalDefault = TimeSpan.FromSeconds(5);

    public static Command Create(CliEnvironment environment)
    {
        return new Command("witness", "Witness the ledger: cosign its checkpoints (C2SP tlog-cosignature) only after a consistency proof")
        {
            CreateRun(environment),
        };
    }

    /// <summary>Parses "500ms", "5s", "2m", "1h" or a number of seconds.</summary>
    public static TimeSpan ParseInterval(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            throw CliException.Usage($"--interval '{text}' is not a duration such as 5s, 500ms or 1m");
        }

        var interval = TimeSpan.FromSeconds(value * unit);
        if (interval < IntervalMin || interval > IntervalMax)
        {
            throw CliException.Usage($"--interval must be between {IntervalMin.TotalMilliseconds} ms and {IntervalMax.TotalMinutes} minutes");
        }

        return interval;
    }

    /// <summary>
    /// The cosignature key name: --name, else the genesis member with role "witness" holding this key
    /// (registered witnesses are consortium members; their member id is their cosignature name).
    /// </summary>
    public static string ResolveName(string? name, ConsortiumGenesis genesis, KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(genesis);
        ArgumentNullException.ThrowIfNull(key);
        if (name is not null)
        {
            return NoteSignature.IsValidKeyName(name) ? name : throw CliException.Usage($"--name '{name}' is not a valid note key name (no spaces or '+')");
        }

        var member = genesis.Members.FirstOrDefault(m => m.Role == WitnessRole.Name && m.Keys.Any(k => k.PublicKey.AsSpan().SequenceEqual(key.Public.Encoded)));
        return member?.Id ?? throw CliException.Usage("this key is not a genesis witness member's key: pass --name with the witness member id it was registered under");
    }

    private static Command CreateRun(CliEnvironment environment)
    {
        var keyOption = new Option<string>("--key") { Description = "The witness's Ed25519 key file (ledger keygen --suite ed25519)", Required = true };
        var state = new Option<string?>("--state") { Description = "State file: the last cosigned checkpoint (default: <key file>.witness-state.json)" };
        var name = new Option<string?>("--name") { Description = "Cosignature key name (default: the genesis witness member holding this key)" };
        var interval = new Option<string>("--interval") { Description = "Time between polls: 5s, 500ms, 1m", DefaultValueFactory = _ => "5s" };
        var once = new Option<bool>("--once") { Description = "Poll once and exit (0 cosigned or unchanged, 1 refused or fork)" };
        var forkReport = new Option<string?>("--fork-report") { Description = "Where a fork report is written (default: <state file>.fork.json)" };
        var command = new Command(
            "run",
            $"Poll the latest checkpoint, verify its node quorum and a consistency proof from the last cosigned one, cosign, repeat. Exit {ForkExitCode} on a fork, with a report of both checkpoints")
        {
            keyOption, state, name, interval, once, forkReport,
        };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var genesis = CheckpointCommands.RequireGenesis(parse, "witness run");
            var keyPath = parse.GetValue(keyOption)!;
            var key = KeyFile.Import(System.Text.Encoding.UTF8.GetString(Files.ReadAllBytes(keyPath, KeyFile.FileBytesMax, "key file")));
            if (key.Suite.Name != CryptoSuites.Ed25519Name)
            {
                throw CliException.Usage($"a witness key is ed25519 (cosignature/v1); {keyPath} is {key.Suite.Name}");
            }

            var witnessName = ResolveName(parse.GetValue(name), genesis, key);
            var statePath = parse.GetValue(state) ?? DefaultStatePath(keyPath);
            var reportPath = parse.GetValue(forkReport) ?? statePath + ".fork.json";
            var pause = ParseInterval(parse.GetValue(interval)!);
            await using var client = ClientFactory.Create(parse, console);
            var loop = new CheckpointWitnessLoop(
                new LedgerClientWitnessLedger(client),
                CheckpointTrust.FromGenesis(genesis),
                new MerkleHasher(CryptoSuites.Get(genesis.Suite).Hash),
                key,
                witnessName,
                statePath,
                TimeProvider.System);
            console.Error.WriteLine($"witness {witnessName} (key id {Cosignature.KeyId(witnessName, key.Public):x8}) watching {CheckpointOrigin.For(genesis)}; state {statePath}");
            return await RunAsync(loop, console, parse.GetValue(once), pause, reportPath, cancellation).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The poll loop: returns the exit code (never returns 0 unless --once or cancelled).</summary>
    public static async Task<int> RunAsync(CheckpointWitnessLoop loop, CliOutput console, bool once, TimeSpan pause, string reportPath, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(console);
        while (!cancellation.IsCancellationRequested)
        {
            WitnessStep step;
            try
            {
                step = await loop.StepAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception exception) when (!once && exception is RpcException or LedgerUnavailableException or HttpRequestException or TimeoutException)
            {
                // A long-running witness outlives node outages and refusals: say so and poll again.
                console.Error.WriteLine($"{DateTimeOffset.UtcNow:u} {ErrorMapping.Map(exception).Message}; retrying in {pause.TotalSeconds:0.###} s");
                await Delay(pause, cancellation).ConfigureAwait(false);
                continue;
            }

            if (step.Kind == WitnessStepKind.Fork)
            {
                var report = step.Fork!.ToJson();
                Files.WritePublic(reportPath, report);
                console.Error.WriteLine($"{DateTimeOffset.UtcNow:u} {step.Message}");
                console.Error.WriteLine($"fork report written to {reportPath}");
                console.Out.Write(report);
                return ForkExitCode;
            }

            console.Result(
                new JsonObject { ["step"] = step.Kind.ToString(), ["message"] = step.Message, ["treeSize"] = step.Checkpoint?.TreeSize },
                $"{DateTimeOffset.UtcNow:u} {step.Kind.ToString().ToLowerInvariant()}: {step.Message}");
            if (once)
            {
                return step.Kind == WitnessStepKind.Refused ? ExitCodes.VerificationFailed : ExitCodes.Ok;
            }

            await Delay(pause, cancellation).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static string DefaultStatePath(string keyPath)
    {
        var withoutJson = keyPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? keyPath[..^5] : keyPath;
        return withoutJson + ".witness-state.json";
    }

    private static async Task Delay(TimeSpan pause, CancellationToken cancellation)
    {
        try
        {
            await Task.Delay(pause, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C between polls: a clean stop.
        }
    }
}
