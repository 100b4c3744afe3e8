using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Client.Signing;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;

namespace Ledger.Bench.Scale;

/// <summary>
/// A new node joining the running ledger the way an operator adds one: a fresh node key, the
/// node started from the consortium's genesis file with an empty data directory, and a governance
/// <c>add-node</c> proposal signed with the dev admin key (one admin: the proposal executes at once).
/// The leader adds it as a Raft learner and sends it what it lacks — a state snapshot once the
/// leader's log has been compacted past the start, the log otherwise. Timed from the proposal to
/// the learner's own Status reporting the leader's height. Then it is removed again by a
/// <c>remove-node</c> proposal (while it still runs, so the two-voter configuration it was
/// promoted into can commit the removal), stopped, and its directory deleted.
/// </summary>
internal sealed partial class LearnerCatchUp(string nodeDll, ScaleOptions options, string devDirectory, LedgerApi.LedgerApiClient leader, string logDirectory)
{
    private static readonly TimeSpan StartWaitMax = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CatchUpWaitMax = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan RemovalWaitMax = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);
    private const string AdminMemberId = "dev-admin";

    // A received snapshot is staged, then installed: up to two copies of the leader's state, plus room to grow.
    private const int DiskCopies = 2;
    private const long DiskMarginBytes = 2L * 1024 * 1024 * 1024;

    /// <param name="leaderDataBytes">The leader's data directory size: the learner needs room for a staged and an installed copy.</param>
    public async Task<LearnerFigures> MeasureAsync(int step, long leaderDataBytes)
    {
        var nodeId = NodeId(step);
        var directory = DirectoryOf(options, nodeId);
        var needed = DiskCopies * leaderDataBytes + DiskMarginBytes;
        var free = FreeBytes(Path.GetDirectoryName(Path.GetFullPath(directory))!);
        if (free < needed)
        {
            return new LearnerFigures(null, null, string.Create(CultureInfo.InvariantCulture, $"skipped: {free / 1e9:F1} GB free, a learner needs about {needed / 1e9:F1} GB"));
        }

        var logPath = Path.Combine(logDirectory, nodeId + ".log");
        Directory.CreateDirectory(directory);
        try
        {
            var key = CryptoSuites.P256Sha256.GenerateKeyPair();
            var keyPath = Path.Combine(directory, "node.key.json");
            await File.WriteAllTextAsync(keyPath, KeyFile.Export(key)).ConfigureAwait(false);
            var ports = NodePorts.Free();
            string[] arguments =
            [
                "--genesis", Path.Combine(devDirectory, "genesis.json"),
                "--node-id", nodeId,
                "--node-key", keyPath,
                "--data-dir", Path.Combine(directory, "data"),
                "--public-url", ports.PublicUrl,
                "--peer-url", ports.PeerUrl,
                "--web-url", ports.WebUrl,
                "--metrics-url", ports.MetricsUrl,
                "--fsync", "true",
                "--insecure-plaintext-peers",
                .. options.NodeArguments,
            ];
            using var learner = NodeProcess.Start(nodeDll, ports, arguments, logPath);
            using var channel = GrpcChannels.Create(ports.PublicUrl);
            var learnerApi = new LedgerApi.LedgerApiClient(channel);
            var admin = await AdminAsync().ConfigureAwait(false);
            try
            {
                // The clock starts once the new node is up (its start-up is not catch-up): it answers Status before it is a member.
                if (!await WaitAnsweringAsync(learnerApi, learner).ConfigureAwait(false))
                {
                    return new LearnerFigures(null, null, $"the new node did not answer Status within {StartWaitMax.TotalSeconds:F0} s; see {logPath}");
                }

                var started = Stopwatch.GetTimestamp();
                var added = await ProposeAsync(admin, new ProposeChange
                {
                    AddNode = new AddNode { NodeId = nodeId, Address = ports.PeerUrl, Key = new MemberPublicKey { Suite = key.Suite.Name, PublicKey = ByteString.CopyFrom(key.Public.ToArray()) } },
                    Rationale = "scale bench: learner catch-up",
                }).ConfigureAwait(false);
                if (added is not null)
                {
                    return new LearnerFigures(null, null, "add-node proposal refused: " + added);
                }

                var target = (await leader.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false)).Height;
                var caughtUp = await WaitCaughtUpAsync(learnerApi, learner, target).ConfigureAwait(false);
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var snapshotBytes = SnapshotBytesReceived(logPath);
                var note = !caughtUp
                    ? $"did not reach height {target} within {CatchUpWaitMax.TotalMinutes:F0} min"
                    : snapshotBytes is null ? $"caught up to height {target} from the log (no snapshot: the leader's log still held the start)" : $"caught up to height {target} by snapshot";
                var removal = await RemoveAsync(admin, nodeId).ConfigureAwait(false);
                if (removal is not null)
                {
                    note += "; removal: " + removal;
                }

                return new LearnerFigures(caughtUp ? seconds : null, snapshotBytes, note);
            }
            finally
            {
                var (_, exitCode) = await learner.StopAsync().ConfigureAwait(false);
                if (exitCode != 0)
                {
                    Console.Error.WriteLine($"  learner {nodeId} exited with code {exitCode}; see {logPath}");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The learner directories a run may have created (beside the data directory, one per step).</summary>
    public static IEnumerable<string> Directories(ScaleOptions options)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(options.DataDirectory))!;
        var prefix = Path.GetFileName(options.DataDirectory.TrimEnd('/')) + "-" + NodeIdPrefix;
        return Directory.Exists(parent) ? Directory.EnumerateDirectories(parent, prefix + "*") : [];
    }

    private const string NodeIdPrefix = "scale-learner-";

    private static string NodeId(int step) => NodeIdPrefix + step.ToString(CultureInfo.InvariantCulture);

    private static string DirectoryOf(ScaleOptions options, string nodeId) => options.DataDirectory.TrimEnd('/') + "-" + nodeId;

    private static long FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return long.MaxValue;
        }
    }

    private async Task<TransactionBuilder> AdminAsync()
    {
        var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(Path.Combine(devDirectory, "genesis.json")).ConfigureAwait(false));
        var key = KeyFile.Import(await File.ReadAllTextAsync(Path.Combine(devDirectory, AdminMemberId + ".key.json")).ConfigureAwait(false));
        return new TransactionBuilder(key, genesis.ChainId);
    }

    /// <summary>Null when the proposal committed with an OK result (and so executed); otherwise why not.</summary>
    private async Task<string?> ProposeAsync(TransactionBuilder admin, ProposeChange change)
    {
        try
        {
            var response = await leader.SubmitAsync(new SubmitRequest { Transaction = admin.Build(TransactionType.ProposeChange, change) }, deadline: DateTime.UtcNow + TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            return response.Receipt is { Result.Code: ResultCode.Ok } ? null : response.Receipt?.Result.Reason ?? response.ErrorMessage;
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode} {e.Status.Detail}";
        }
    }

    private static async Task<bool> WaitAnsweringAsync(LedgerApi.LedgerApiClient learnerApi, NodeProcess learner)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < StartWaitMax && !learner.HasExited)
        {
            try
            {
                await learnerApi.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false);
                return true;
            }
            catch (RpcException)
            {
                await Task.Delay(PollInterval).ConfigureAwait(false);
            }
        }

        return false;
    }

    private static async Task<bool> WaitCaughtUpAsync(LedgerApi.LedgerApiClient learnerApi, NodeProcess learner, ulong height)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < CatchUpWaitMax && !learner.HasExited)
        {
            try
            {
                var status = await learnerApi.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false);
                if (status.Height >= height && !status.Recovering)
                {
                    return true;
                }
            }
            catch (RpcException)
            {
                // Starting, or busy installing: poll again.
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Proposes the learner's removal and waits until the leader's configuration no longer holds it; null on success.</summary>
    private async Task<string?> RemoveAsync(TransactionBuilder admin, string nodeId)
    {
        var refused = await ProposeAsync(admin, new ProposeChange { RemoveNode = new RemoveNode { NodeId = nodeId }, Rationale = "scale bench: learner done" }).ConfigureAwait(false);
        if (refused is not null)
        {
            return "remove-node refused: " + refused;
        }

        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < RemovalWaitMax)
        {
            var status = await leader.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + CallDeadline).ConfigureAwait(false);
            if (!status.Voters.Contains(nodeId) && !status.Learners.Contains(nodeId))
            {
                return null;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        return $"still in the Raft configuration after {RemovalWaitMax.TotalSeconds:F0} s";
    }

    /// <summary>The bytes of the snapshot the learner received and verified (its log, event 5101), or null when it took none.</summary>
    private static double? SnapshotBytesReceived(string logPath)
    {
        double? total = null;
        foreach (var line in File.ReadLines(logPath))
        {
            var match = SnapshotReceived().Match(line);
            if (match.Success)
            {
                total = (total ?? 0) + double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    [GeneratedRegex(@"Snapshot from raft node \d+ at raft index \d+ \((\d+) bytes\) received and verified")]
    private static partial Regex SnapshotReceived();
}
