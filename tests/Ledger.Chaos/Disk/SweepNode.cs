using System.Diagnostics;
using Grpc.Net.Client;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Disk;

/// <summary>
/// One node of the sweep's cluster as a child process (<c>dotnet Ledger.Node.dll</c>), adapted from
/// Ledger.Cluster.Tests' NodeProcess: it also keeps the exit code, since a node that refuses to open a
/// damaged directory says so by exiting.
/// </summary>
public sealed class SweepNode : IDisposable
{
    /// <summary>Output lines kept for the outcome notes and failure messages.</summary>
    private const int OutputLinesMax = 200;

    /// <summary>
    /// The node's log event (RecoveryLog 6201, "[6201]" in the simple console format) saying it found local damage
    /// at open and moved its database aside: detection at open even when its first Status no longer says so.
    /// </summary>
    public const string QuarantineEventMarker = "[6201]";

    /// <summary>The node's integrity scan finished a pass (6302) or found damage (6303): it has had its look at the disk.</summary>
    public static readonly string[] ScanEventMarkers = ["[6302]", "[6303]"];

    /// <summary>gRPC responses may carry many blocks.</summary>
    private const int ReceiveMessageBytesMax = 64 * 1024 * 1024;

    /// <summary>Reconnect attempts to a node that is not listening (yet) follow each other this closely.</summary>
    private static readonly TimeSpan ReconnectBackoff = TimeSpan.FromMilliseconds(100);

    private readonly string[] arguments;
    private readonly Queue<string> output = new();
    private Process? process;
    private string? quarantineLine;
    private string? scanLine;
    private GrpcChannel? channel;

    public SweepNode(string nodeId, string publicUrl, string dataDirectory, string[] arguments)
    {
        NodeId = nodeId;
        PublicUrl = publicUrl;
        DataDirectory = dataDirectory;
        this.arguments = arguments;
    }

    public string NodeId { get; }

    public string PublicUrl { get; }

    /// <summary>The node's data directory; its RocksDB files are under <see cref="DatabaseDirectory"/>.</summary>
    public string DataDirectory { get; }

    public string DatabaseDirectory => Path.Combine(DataDirectory, "db");

    public bool IsRunning => process is { HasExited: false };

    /// <summary>The exit code once the process ended by itself; null while it runs or after <see cref="Kill"/>.</summary>
    public int? ExitCode => process is { HasExited: true } exited ? exited.ExitCode : null;

    public LedgerApi.LedgerApiClient Api => new(Channel);

    public RegistryQuery.RegistryQueryClient Registry => new(Channel);

    private GrpcChannel Channel => channel ??= GrpcChannel.ForAddress(PublicUrl, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = ReceiveMessageBytesMax,
        // A restarted node listens within seconds; the default backoff (1 s growing to 2 minutes) left the sweep
        // waiting 5-17 s for a node that had long answered, while Status polls failed fast without connecting.
        InitialReconnectBackoff = ReconnectBackoff,
        MaxReconnectBackoff = ReconnectBackoff,
    });

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{NodeId} is already running");
        }

        process?.Dispose();
        // A fresh channel: the old one's connection died with the previous process.
        channel?.Dispose();
        channel = null;
        var directory = AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "Ledger.Node.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Ledger.Node.dll is not next to the harness in {directory}", dll);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        lock (output)
        {
            output.Clear();
            quarantineLine = null;
            scanLine = null;
        }

        var started = new Process { StartInfo = start };
        started.OutputDataReceived += (_, e) => Keep(e.Data);
        started.ErrorDataReceived += (_, e) => Keep(e.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
    }

    /// <summary>SIGKILL: what is on disk is what the node had written (synced writes survive).</summary>
    public void Kill()
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
        process = null;
    }

    /// <summary>The node's line saying it quarantined its damaged database at this start, or null (kept apart from the bounded recent output).</summary>
    public string? QuarantineLine
    {
        get
        {
            lock (output)
            {
                return quarantineLine;
            }
        }
    }

    /// <summary>The node's line saying its integrity scan completed a pass or found damage since this start, or null.</summary>
    public string? ScanLine
    {
        get
        {
            lock (output)
            {
                return scanLine;
            }
        }
    }

    /// <summary>The lines the node wrote since it was last started.</summary>
    public string RecentOutput()
    {
        lock (output)
        {
            return string.Join(Environment.NewLine, output);
        }
    }

    public void Dispose()
    {
        Kill();
        channel?.Dispose();
        channel = null;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (quarantineLine is null && line.Contains(QuarantineEventMarker, StringComparison.Ordinal))
            {
                quarantineLine = line;
            }

            if (scanLine is null && (line.Contains(ScanEventMarkers[0], StringComparison.Ordinal) || line.Contains(ScanEventMarkers[1], StringComparison.Ordinal)))
            {
                scanLine = line;
            }

            output.Enqueue(line);
            if (output.Count > OutputLinesMax)
            {
                output.Dequeue();
            }
        }
    }
}
