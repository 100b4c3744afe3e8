using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Cluster;

/// <summary>
/// One node as a child process (<c>dotnet Ledger.Node.dll</c>) that the faults kill, pause and restart.
/// Its output goes to <c>&lt;run dir&gt;/&lt;node id&gt;.log</c> (appended across restarts) and the last lines
/// are kept for the failure report.
/// </summary>
public sealed class ChaosNode : IDisposable
{
    private const int OutputLinesMax = 100;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<string> baseArguments;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string logPath;
    private readonly Queue<string> output = new();
    private readonly Lock gate = new();
    private Process? process;
    private StreamWriter? log;
    private GrpcChannel? channel;
    private int crashes;

    public ChaosNode(string nodeId, string publicUrl, string dataDirectory, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string runDirectory)
    {
        NodeId = nodeId;
        PublicUrl = publicUrl;
        DataDirectory = dataDirectory;
        baseArguments = arguments;
        this.environment = environment;
        logPath = Path.Combine(runDirectory, $"{nodeId}.log");
        log = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public string NodeId { get; }

    public string PublicUrl { get; }

    public string DataDirectory { get; }

    /// <summary>Clock flags added at the next start (a clock fault).</summary>
    public IReadOnlyList<string> ClockArguments { get; set; } = [];

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return process is { HasExited: false };
            }
        }
    }

    public bool IsPaused { get; private set; }

    /// <summary>Exit code of the last process that ended on its own (a node refusing to start), else null.</summary>
    public int? LastExitCode { get; private set; }

    public int Starts { get; private set; }

    /// <summary>Times the process ended on its own with a code other than <see cref="StorageRefusalExitCode"/> (an invariant stop, a crash).</summary>
    public int Crashes => Volatile.Read(ref crashes);

    /// <summary>The node's exit code for storage it refuses to open (damage the disk faults reported).</summary>
    public const int StorageRefusalExitCode = 3;

    public LedgerApi.LedgerApiClient Client
    {
        get
        {
            lock (gate)
            {
                channel ??= GrpcChannel.ForAddress(PublicUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
                return new LedgerApi.LedgerApiClient(channel);
            }
        }
    }

    public void Start()
    {
        lock (gate)
        {
            if (process is { HasExited: false })
            {
                return;
            }

            process?.Dispose();
            var directory = AppContext.BaseDirectory;
            var dll = Path.Combine(directory, "Ledger.Node.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"Ledger.Node.dll is not next to the harness in {directory}", dll);
            }

            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(dll);
            foreach (var argument in baseArguments.Concat(ClockArguments))
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            Keep($"=== {DateTimeOffset.UtcNow:O} start #{Starts + 1}: {string.Join(' ', ClockArguments)}");
            var started = new Process { StartInfo = start, EnableRaisingEvents = true };
            started.OutputDataReceived += (_, e) => Keep(e.Data);
            started.ErrorDataReceived += (_, e) => Keep(e.Data);
            started.Exited += (_, _) => NoteExit(started);
            started.Start();
            started.BeginOutputReadLine();
            started.BeginErrorReadLine();
            process = started;
            IsPaused = false;
            LastExitCode = null;
            Starts++;
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush; what is on disk is what the node had made durable (or not).</summary>
    public void Kill()
    {
        Process? victim;
        lock (gate)
        {
            victim = process;
            process = null;
            IsPaused = false;
        }

        if (victim is null)
        {
            return;
        }

        try
        {
            if (!victim.HasExited)
            {
                victim.Kill(entireProcessTree: true);
            }

            victim.WaitForExit(ExitWait);
        }
        catch (InvalidOperationException)
        {
        }

        Keep($"=== {DateTimeOffset.UtcNow:O} killed");
        victim.Dispose();
    }

    /// <summary>SIGSTOP: the process freezes with its sockets open, as a long GC pause or a stalled VM would.</summary>
    public void Pause()
    {
        lock (gate)
        {
            if (process is { HasExited: false } running && !IsPaused)
            {
                Signals.Stop(running.Id);
                IsPaused = true;
            }
        }
    }

    public void Resume()
    {
        lock (gate)
        {
            if (process is { HasExited: false } running && IsPaused)
            {
                Signals.Continue(running.Id);
            }

            IsPaused = false;
        }
    }

    /// <summary>Status, or null when the node does not answer within a second.</summary>
    public async Task<StatusResponse?> TryStatusAsync(CancellationToken cancel = default)
    {
        if (!IsRunning || IsPaused)
        {
            return null;
        }

        try
        {
            return await Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + StatusDeadline, cancellationToken: cancel).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    public string RecentOutput()
    {
        lock (output)
        {
            return $"--- {NodeId} (running: {IsRunning}, paused: {IsPaused}, log: {logPath}) ---{Environment.NewLine}{string.Join(Environment.NewLine, output)}";
        }
    }

    public void Dispose()
    {
        Resume();
        Kill();
        lock (gate)
        {
            channel?.Dispose();
            channel = null;
        }

        lock (output)
        {
            log?.Dispose();
            log = null;
        }
    }

    private void NoteExit(Process exited)
    {
        int code;
        try
        {
            code = exited.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        lock (gate)
        {
            if (ReferenceEquals(process, exited))
            {
                // Ended on its own, not by Kill (which clears process first).
                LastExitCode = code;
                if (code != StorageRefusalExitCode)
                {
                    Interlocked.Increment(ref crashes);
                }
            }
        }

        Keep($"=== {DateTimeOffset.UtcNow:O} exited with code {code}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            if (output.Count > OutputLinesMax)
            {
                output.Dequeue();
            }

            log?.WriteLine(line);
        }
    }
}
