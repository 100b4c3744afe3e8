using System.Diagnostics;
using System.Security.Cryptography;
using Ledger.Cli.Batches;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;

namespace Ledger.Client.Tests.Cli;

/// <summary>
/// One <c>ledger batch-register</c> per manifest directory (issue 18): a second run on the same directory is
/// refused before it touches the journal, naming the holder's pid; the lock is the OS's, so it goes with the
/// process that held it — a killed run leaves no stale lock.
/// </summary>
public sealed class BatchRunLockTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    [Test]
    public void Acquire_WhileAnotherRunInThisProcessHoldsIt_IsRefusedNamingThisPid()
    {
        using var directory = new TempDirectory();
        var manifests = directory.File("batches");
        using var first = BatchRunLock.Acquire(manifests);

        Assert.That(() => BatchRunLock.Acquire(manifests), Throws.InstanceOf<CliException>()
            .With.Property(nameof(CliException.ExitCode)).EqualTo(ExitCodes.InputOutput)
            .And.Message.Contains($"another ledger batch-register is running on {manifests} (pid {Environment.ProcessId} on {Environment.MachineName}"));
    }

    [Test]
    public void Acquire_AfterTheHolderReleasedIt_Succeeds()
    {
        using var directory = new TempDirectory();
        var manifests = directory.File("batches");
        BatchRunLock.Acquire(manifests).Dispose();

        using var second = BatchRunLock.Acquire(manifests);

        Assert.That(File.Exists(Path.Combine(manifests, BatchRunLock.LockFileName)), Is.True, "the file stays; only a live process's lock counts");
    }

    [Test]
    public async Task BatchRegister_WhileAnotherProcessRunsOnTheDirectory_IsRefusedNamingItsPidAndProceedsOnceThatProcessIsKilled()
    {
        using var directory = new TempDirectory();
        var manifests = directory.File("batches");
        var csv = directory.File("items.csv");
        File.WriteAllLines(csv, ["item_id,content_sha256_hex", .. Enumerable.Range(0, 3).Select(i => $"sku-{i},{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}")]);
        var key = directory.File("platform.key.json");
        Assert.That(CliRunner.Run("keygen", "--suite", "p256-sha256", "--out", key).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var submitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var api = new FakeLedgerApi
        {
            // The node holds the first run's first batch: that run is mid-way, holding its lock, until it is killed.
            BeforeSubmit = async (_, context) =>
            {
                submitted.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            },
        };
        await using var server = await FakeLedgerServer.StartAsync(api);
        string[] arguments = ["batch-register", csv, "--key", key, "--holder", "platform-1", "--manifest-dir", manifests, "--batch-size", "1", "--in-flight", "1", "--endpoint", server.Endpoint.ToString()];
        var isolated = new Dictionary<string, string> { ["LEDGER_CONFIG"] = directory.File("no-config.json") };
        using var child = StartCli(arguments, isolated);

        var reached = await Task.WhenAny(submitted.Task, child.WaitForExitAsync(), Task.Delay(ChildTimeout));
        Assert.That(reached, Is.SameAs(submitted.Task), $"the first run never submitted (exited: {child.HasExited}): {(child.HasExited ? await child.StandardError.ReadToEndAsync() : "")}");
        var second = CliRunner.RunWith(isolated, arguments);
        child.Kill();
        await child.WaitForExitAsync();
        using var afterKill = BatchRunLock.Acquire(manifests);

        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.InputOutput), second.Out + second.Error);
        Assert.That(second.Error, Does.Contain($"another ledger batch-register is running on {manifests} (pid {child.Id} on {Environment.MachineName}"));
        Assert.That(second.Error, Does.Not.Contain("   at "));
        Assert.That(Directory.GetFiles(Path.Combine(manifests, "journal")), Has.Length.EqualTo(1), "the first run journaled its batch 0 and waits for it; the refused run wrote nothing");
    }

    /// <summary>
    /// The CLI as its own process (<c>dotnet ledger.dll</c> from Ledger.Cli's own output, built with this assembly's
    /// configuration as a project reference, with its own dependencies), with <paramref name="variables"/> added to its environment.
    /// </summary>
    private static Process StartCli(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> variables)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        var cli = Path.Combine(RepositoryRoot(), "Ledger.Cli", "bin", output.Parent!.Name, output.Name, "ledger.dll");
        Assert.That(File.Exists(cli), Is.True, $"{cli} was not built");
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the CLI");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Ledger.sln above {AppContext.BaseDirectory}");
    }
}
