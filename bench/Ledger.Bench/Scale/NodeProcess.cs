using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ledger.Bench.Scale;

/// <summary>
/// One ledger node as a child process: the Release build of Ledger.Node started with <c>dotnet</c>,
/// its output appended to a log file, stopped with SIGTERM (a clean shutdown, as an operator's
/// <c>systemctl stop</c> does) and, only if it does not exit in time, killed.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    private static readonly TimeSpan ShutdownWaitMax = TimeSpan.FromSeconds(60);
    private const int SigTerm = 15;

    // USER_HZ: 100 on every Linux the bench runs on (getconf CLK_TCK).
    private const double ClockTicksPerSecond = 100;

    // Every node this process started and has not disposed, for the interrupt handler.
    private static readonly HashSet<NodeProcess> Live = [];

    private readonly Process process;

    private NodeProcess(Process process, NodePorts ports, string logPath)
    {
        this.process = process;
        Ports = ports;
        LogPath = logPath;
        lock (Live)
        {
            Live.Add(this);
        }
    }

    public NodePorts Ports { get; }

    public string LogPath { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Starts <paramref name="nodeDll"/> with <paramref name="arguments"/>; output goes to <paramref name="logPath"/> (appended).</summary>
    public static NodeProcess Start(string nodeDll, NodePorts ports, IEnumerable<string> arguments, string logPath)
    {
        // exec: the shell becomes dotnet, so the pid we hold is the node's (RSS, SIGTERM).
        var command = "exec dotnet " + Quote(nodeDll) + " " + string.Join(' ', arguments.Select(Quote)) + " >>" + Quote(logPath) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the node");
        return new NodeProcess(process, ports, logPath);
    }

    /// <summary>The arguments of a single dev-mode node on <paramref name="dataDirectory"/> (fsync on).</summary>
    public static string[] DevArguments(string dataDirectory, NodePorts ports) =>
    [
        "--dev",
        "--data-dir", dataDirectory,
        "--public-url", ports.PublicUrl,
        "--peer-url", ports.PeerUrl,
        "--web-url", ports.WebUrl,
        "--metrics-url", ports.MetricsUrl,
        "--fsync", "true",
    ];

    /// <summary>Sends SIGTERM and waits; returns (seconds to exit, exit code). Kills it after <see cref="ShutdownWaitMax"/>.</summary>
    public async Task<(double Seconds, int ExitCode)> StopAsync()
    {
        if (process.HasExited)
        {
            return (0, process.ExitCode);
        }

        var started = Stopwatch.GetTimestamp();
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"SIGTERM to node {process.Id} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        using var wait = new CancellationTokenSource(ShutdownWaitMax);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            Console.Error.WriteLine($"node {process.Id} did not exit within {ShutdownWaitMax.TotalSeconds:F0} s of SIGTERM: killed");
            return (Stopwatch.GetElapsedTime(started).TotalSeconds, -1);
        }

        return (Stopwatch.GetElapsedTime(started).TotalSeconds, process.ExitCode);
    }

    /// <summary>User + system CPU seconds of the node so far (/proc/&lt;pid&gt;/stat; 0 once it has exited).</summary>
    public double CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            // Fields after the command name (which may hold spaces) start at state (field 3); utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>VmRSS of the node in bytes (0 once it has exited).</summary>
    public long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Exited between the check and the read.
        }

        return 0;
    }

    /// <summary>Kills every node still running (the bench is being interrupted: no child may outlive it).</summary>
    public static void KillAll()
    {
        NodeProcess[] nodes;
        lock (Live)
        {
            nodes = [.. Live];
        }

        foreach (var node in nodes)
        {
            node.Dispose();
        }
    }

    public void Dispose()
    {
        lock (Live)
        {
            Live.Remove(this);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>The four listeners of one node on loopback, on ports free when chosen.</summary>
internal sealed record NodePorts(int Public, int Peer, int Web, int Metrics)
{
    public string PublicUrl => Url(Public);

    public string PeerUrl => Url(Peer);

    public string WebUrl => Url(Web);

    public string MetricsUrl => Url(Metrics) + "/";

    public static NodePorts Free() => new(FreePort(), FreePort(), FreePort(), FreePort());

    private static string Url(int port) => "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
