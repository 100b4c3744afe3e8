using System.Diagnostics;
using System.Globalization;

namespace Ledger.Storage.Tests.Blocks;

/// <summary>A child process running <see cref="CrashWriter"/> on a data directory; disposing kills it with SIGKILL.</summary>
internal sealed class WriterProcess : IDisposable
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _child;

    private WriterProcess(Process child) => _child = child;

    public ulong LastAcknowledgedHeight { get; private set; }

    public static WriterProcess Start(string dataDirectory)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.ArgumentList.Add(CrashWriter.Command);
        start.ArgumentList.Add(dataDirectory);
        return new WriterProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the writer process"));
    }

    /// <summary>Reads the child's acknowledgements until it reports <paramref name="height"/>.</summary>
    public void WaitForHeight(ulong height)
    {
        var deadline = Stopwatch.StartNew();
        while (LastAcknowledgedHeight < height)
        {
            var line = _child.StandardOutput.ReadLine();
            if (line is null)
            {
                Assert.Fail($"writer exited early with code {(_child.WaitForExit(5_000) ? _child.ExitCode : -1)}: {_child.StandardError.ReadToEnd()}");
            }

            if (line!.StartsWith(CrashWriter.CommittedPrefix, StringComparison.Ordinal))
            {
                LastAcknowledgedHeight = ulong.Parse(line.AsSpan(CrashWriter.CommittedPrefix.Length), CultureInfo.InvariantCulture);
            }

            if (deadline.Elapsed > ChildTimeout)
            {
                Assert.Fail($"writer acknowledged only {LastAcknowledgedHeight} blocks within {ChildTimeout}");
            }
        }
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no flush, no dispose, no finalizers.</summary>
    public void Dispose()
    {
        if (!_child.HasExited)
        {
            _child.Kill(entireProcessTree: true);
        }

        _child.WaitForExit();
        _child.Dispose();
    }
}
