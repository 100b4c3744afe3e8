using System.Globalization;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Node.Chain;
using Ledger.Storage;
using Ledger.Storage.Backups;
using Ledger.Storage.Blocks;
using Ledger.Storage.Errors;
using Ledger.Storage.Migration;

namespace Ledger.Node.Admin;

/// <summary>
/// The operator's subcommands of <c>Ledger.Node</c>, run instead of the node when the first argument names one:
/// <c>backup</c> (asks the running node over its admin socket), <c>restore</c> and <c>migrate</c> (on a stopped
/// node's directory). docs/backup-restore.md. Exit codes as the node's: 0 done, 2 usage, 3 storage refused or failed.
/// </summary>
public static class NodeCommands
{
    public const int ExitDone = 0;
    public const int ExitUsage = 2;
    public const int ExitFailed = 3;

    /// <summary>Default data directory, as the node's (NodeOptions.DataDirectory).</summary>
    private const string DefaultDataDirectory = "data";

    private static readonly TimeSpan BackupDeadline = TimeSpan.FromHours(24);

    /// <summary>The subcommand's run when <paramref name="args"/> starts with one; null to start the node.</summary>
    public static Task<int>? TryRun(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return null;
        }

        return args[0] switch
        {
            "backup" => Run(args, ["--to", "--data-dir", "--admin-socket"], BackupAsync),
            "restore" => Run(args, ["--from", "--data-dir", "--genesis"], o => Task.FromResult(Restore(o))),
            "migrate" => Run(args, ["--data-dir", "--genesis", "--backup-to"], o => Task.FromResult(Migrate(o))),
            _ => null,
        };
    }

    /// <summary>The exact command that migrates the node's data directory, as a refusal to start spells it.</summary>
    public static string MigrateCommand(string dataDirectory, string genesisFile) =>
        $"{Self()} migrate --data-dir '{Path.GetFullPath(dataDirectory)}' --genesis '{Path.GetFullPath(genesisFile)}'";

    /// <summary>How this program is started: <c>dotnet /path/Ledger.Node.dll</c>, or its own executable.</summary>
    private static string Self()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(NodeCommands).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && assembly.Length > 0
            ? $"dotnet '{assembly}'"
            : $"'{process}'";
    }

    private static async Task<int> Run(string[] args, string[] flags, Func<Dictionary<string, string>, Task<int>> command)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (!flags.Contains(args[i], StringComparer.Ordinal) || i + 1 == args.Length)
            {
                await Console.Error.WriteLineAsync($"ledger-node {args[0]}: unexpected argument '{args[i]}'; takes {string.Join(", ", flags.Select(f => f + " VALUE"))}").ConfigureAwait(false);
                return ExitUsage;
            }

            options[args[i]] = args[++i];
        }

        try
        {
            return await command(options).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"ledger-node {args[0]}: {e.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException or InvalidOperationException or Core.Consortium.GenesisFormatException)
        {
            await Console.Error.WriteLineAsync($"ledger-node {args[0]}: {e.Message}").ConfigureAwait(false);
            return ExitFailed;
        }
    }

    private static string Required(Dictionary<string, string> options, string flag) =>
        options.TryGetValue(flag, out var value) && value.Length > 0 ? value : throw new UsageException($"{flag} is required");

    /// <summary><c>backup --to DIR [--data-dir DATA | --admin-socket PATH]</c>: the running node writes DIR.</summary>
    private static async Task<int> BackupAsync(Dictionary<string, string> options)
    {
        var to = Path.GetFullPath(Required(options, "--to"));
        var socket = options.TryGetValue("--admin-socket", out var given) ? Path.GetFullPath(given) : AdminSocket.PathFor(options.GetValueOrDefault("--data-dir", DefaultDataDirectory));
        if (!File.Exists(socket))
        {
            throw new InvalidOperationException($"no admin socket at '{socket}': is the node running with that data directory (--data-dir), and are you its OS user?");
        }

        using var channel = AdminChannel(socket);
        BackupResponse response;
        try
        {
            response = await new NodeAdmin.NodeAdminClient(channel).BackupAsync(new BackupRequest { Directory = to }, deadline: DateTime.UtcNow + BackupDeadline).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw new InvalidOperationException($"the node refused the backup ({e.StatusCode}): {e.Status.Detail}", e);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            backup written to {response.Directory}
              chain {response.ChainId}, storage format {response.StorageFormatVersion}
              height {response.Height} (head {response.HeadHashHex}), applied raft index {response.AppliedRaftIndex} (term {response.AppliedRaftTerm})
              {response.FileCount} files, {response.TotalBytes} bytes, each with its SHA-256 in {BackupManifest.FileName}
            """));
        return ExitDone;
    }

    /// <summary>A gRPC channel over the admin Unix socket (the authority is not used for routing).</summary>
    public static GrpcChannel AdminChannel(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary><c>restore --from BACKUP --data-dir NEW [--genesis FILE]</c>: verifies BACKUP against its manifest and restores it as NEW/db.</summary>
    private static int Restore(Dictionary<string, string> options)
    {
        var from = Path.GetFullPath(Required(options, "--from"));
        var data = Path.GetFullPath(Required(options, "--data-dir"));
        var chainId = options.TryGetValue("--genesis", out var genesis) ? ChainContext.Load(genesis).ChainId : null;
        var target = Path.Combine(data, "db");
        var manifest = DatabaseRestore.Restore(from, target, chainId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            restored {from} into {target}: {manifest.Files.Count} files verified against {BackupManifest.FileName}
              chain {manifest.ChainId}, height {manifest.Height} (head {manifest.HeadHashHex}), applied raft index {manifest.AppliedRaftIndex}
            Start the node with --data-dir '{data}' and the same node id, key and genesis as the node backed up:
            it recovers what it acknowledged after the backup from its peers before it votes again.
            """));
        return ExitDone;
    }

    /// <summary><c>migrate --data-dir DATA [--genesis FILE] [--backup-to DIR]</c>: backs DATA/db up, then migrates it to the current format.</summary>
    private static int Migrate(Dictionary<string, string> options)
    {
        var data = Path.GetFullPath(Required(options, "--data-dir"));
        var genesisFile = options.TryGetValue("--genesis", out var given) ? given : DevConsortium.GenesisPath(data);
        if (!File.Exists(genesisFile))
        {
            throw new UsageException($"--genesis is required (the consortium genesis file the node runs with; no development genesis at '{genesisFile}')");
        }

        var chain = ChainContext.Load(genesisFile);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var backup = Path.GetFullPath(options.TryGetValue("--backup-to", out var to) ? to : Path.Combine(data, $"backup-before-format-{LedgerDatabase.FormatVersion}-{stamp}"));
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions
        {
            DataDirectory = Path.Combine(data, "db"),
            ChainId = chain.ChainId,
            OpenOlderFormatForMigration = true,
        });
        var from = database.StoredFormatVersion;
        if (from == LedgerDatabase.FormatVersion)
        {
            Console.WriteLine($"'{database.DataDirectory}' is already at format {LedgerDatabase.FormatVersion}: nothing to migrate");
            return ExitDone;
        }

        Console.WriteLine($"migrating '{database.DataDirectory}' from format {from} to {LedgerDatabase.FormatVersion}; backing it up first to '{backup}'");
        var result = FormatMigration.Migrate(database, BlockHashing.Canonical(chain.Hash), backup, TimeProvider.System,
            (height, tip) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  blocks up to {height} of {tip}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            migrated to format {LedgerDatabase.FormatVersion}: {result.BlocksRewritten} blocks rewritten
              backup of the format-{from} directory: {backup} (`{Self()} restore --from '{backup}' --data-dir NEW` puts it back)
            """));
        return ExitDone;
    }

    private sealed class UsageException(string message) : Exception(message);
}
