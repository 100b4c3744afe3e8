using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ledger.Cli.Infrastructure;
using Microsoft.Win32.SafeHandles;

namespace Ledger.Cli.Batches;

/// <summary>
/// The one-writer rule of a <c>ledger batch-register</c> manifest directory: a run holds an exclusive OS lock
/// on <c>batch-register.lock</c> in it for as long as it runs, and a second run on the same directory is refused
/// before it reads the journal (two runs would both sign and submit the same next batch, and each advance the
/// other's state). The lock is the kernel's (<c>flock(2)</c> on Linux and macOS, taken twice over: .NET's
/// <see cref="FileShare.None"/> and an explicit call, so it holds even where .NET's advisory locking is turned off;
/// a share-mode lock on Windows), so it dies with the process: a run that crashed or was killed leaves a file
/// but no lock, and the next run proceeds. The file is never deleted (deleting a lock file lets two processes hold
/// locks on two different files of the same name). Beside it, <c>batch-register.lock.owner</c> names the holder
/// (pid, host, start time) for the refusal's message; it is advisory text, never the lock.
/// </summary>
public sealed class BatchRunLock : IDisposable
{
    public const string LockFileName = "batch-register.lock";

    public const string OwnerFileName = "batch-register.lock.owner";

    /// <summary>The owner file is a short JSON line; a refusal reads no more of it.</summary>
    private const int OwnerFileBytesMax = 4096;

    private const int LockExclusive = 2;

    private const int LockNonBlocking = 4;

    private readonly FileStream stream;

    private BatchRunLock(FileStream stream) => this.stream = stream;

    /// <summary>Takes the directory's lock (creating the directory and the file if needed).</summary>
    /// <exception cref="CliException">Another process (or another run in this one) holds it: the message names the holder when it is known.</exception>
    public static BatchRunLock Acquire(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, LockFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException exception) when (IsLockConflict(exception.HResult))
        {
            throw Held(directory);
        }

        if (!OperatingSystem.IsWindows() && Flock(stream.SafeFileHandle, LockExclusive | LockNonBlocking) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            stream.Dispose();
            throw IsLockConflict(error)
                ? Held(directory)
                : new CliException(ExitCodes.InputOutput, $"cannot lock {path} (errno {error}): a run needs the lock to be the only one writing {directory}");
        }

        WriteOwner(directory);
        return new BatchRunLock(stream);
    }

    /// <summary>Releases the lock (the OS does the same when the process ends).</summary>
    public void Dispose() => stream.Dispose();

    private static void WriteOwner(string directory)
    {
        var owner = new LockOwner(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        var path = Path.Combine(directory, OwnerFileName);
        var temporary = Path.Combine(directory, $".{OwnerFileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(owner) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    private static CliException Held(string directory) =>
        new(ExitCodes.InputOutput, $"another ledger batch-register is running on {directory} ({DescribeOwner(directory)}): one run at a time per manifest directory; wait for it to finish or stop it (a stopped or crashed run's lock goes with its process, and a rerun resumes it)");

    /// <summary>Who the owner file says holds the lock, if it names a process that is alive on this host.</summary>
    private static string DescribeOwner(string directory)
    {
        try
        {
            var bytes = Files.ReadAllBytes(Path.Combine(directory, OwnerFileName), OwnerFileBytesMax, "lock owner");
            var owner = JsonSerializer.Deserialize<LockOwner>(bytes);
            if (owner is null || owner.Pid <= 0 || owner.Host is null)
            {
                return "holder unknown";
            }

            var host = owner.Host.Length <= 64 && owner.Host.All(c => !char.IsControl(c)) ? owner.Host : "?";
            if (host == Environment.MachineName && !IsAlive(owner.Pid))
            {
                return "holder unknown";
            }

            var since = owner.StartedUtc is { Length: <= 32 } started && started.All(c => !char.IsControl(c)) ? $", since {started}" : "";
            return $"pid {owner.Pid} on {host}{since}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or CliException)
        {
            return "holder unknown";
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// EWOULDBLOCK (Linux 11, macOS 35: .NET reports a Unix open refused by another's lock with the errno as its HResult),
    /// or Windows' sharing and lock violations.
    /// </summary>
    private static bool IsLockConflict(int code) =>
        OperatingSystem.IsWindows() ? code is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : code == (OperatingSystem.IsMacOS() ? 35 : 11);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(SafeFileHandle descriptor, int operation);

    private sealed record LockOwner(int Pid, string? Host, string? StartedUtc);
}
