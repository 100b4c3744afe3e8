using System.Diagnostics;
using Grpc.Net.Client;
using Ledger.Core.Protocol;

namespace Ledger.Cluster.Tests.Support;

/// <summary>One node running as a real child process (<c>dotnet Ledger.Node.dll</c>), reached over loopback gRPC.</summary>
public sealed class NodeProcess : IDisposable
{
    /// <summary>Output lines kept for the failure message of a test.</summary>
    private const int OutputLinesMax = 200;

    private readonly string[] arguments;
    private readonly Queue<string> output = new();
    private Process? process;
    private GrpcChannel? channel;

    public NodeProcess(string nodeId, string publicUrl, string[] arguments)
    {
        NodeId = nodeId;
        PublicUrl = publicUrl;
        this.arguments = arguments;
    }

    public string NodeId { get; }

    public string PublicUrl { get; }

    public bool IsRunning => process is { HasExited: false };

    public LedgerApi.LedgerApiClient Client
    {
        get
        {
            channel ??= GrpcChannel.ForAddress(PublicUrl, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });
            return new LedgerApi.LedgerApiClient(channel);
        }
    }

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{NodeId} is already running");
        }

        var directory = AppContext.BaseDirectory;
        var dll = Path.Combine(directory, "Ledger.Node.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Ledger.Node.dll is not next to the test assembly in {directory}", dll);
        }

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var started = new Process { StartInfo = start };
        started.OutputDataReceived += (_, e) => Keep(e.Data);
        started.ErrorDataReceived += (_, e) => Keep(e.Data);
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
    }

    /// <summary>SIGKILL: no graceful shutdown, no flush; what is on disk is what the node had written.</summary>
    public void Kill()
    {
        // The channel stays: clients keep retrying through it, and it reconnects once the node is started again.
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

    /// <summary>Waits for the node to end by itself: its exit code (its output read to the end), or null when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        var running = process ?? throw new InvalidOperationException($"{NodeId} was not started");
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await running.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return running.ExitCode;
    }

    /// <summary>The last lines the node wrote, for a failure message.</summary>
    public string RecentOutput()
    {
        lock (output)
        {
            return $"--- {NodeId} (running: {IsRunning}) ---{Environment.NewLine}{string.Join(Environment.NewLine, output)}";
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
            output.Enqueue(line);
            if (output.Count > OutputLinesMax)
            {
                output.Dequeue();
            }
        }
    }
}
