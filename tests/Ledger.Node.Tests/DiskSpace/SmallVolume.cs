using System.Diagnostics;
using Ledger.Node.DiskSpace;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>
/// A real, small file system for disk-full tests: a tmpfs of a given size mounted on a fresh temporary
/// directory. Mounting needs root (CAP_SYS_ADMIN; CI runs the tests as root). Where it cannot be mounted
/// the test is ignored with the reason, never passed silently. A user namespace (<c>unshare -rm</c>) is
/// no way out in-process: the test process is multi-threaded, and the mount would be invisible to it.
/// </summary>
public sealed class SmallVolume : IDisposable
{
    private const int ChunkBytes = 1024 * 1024;
    private readonly List<string> fillers = [];

    private SmallVolume(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public long FreeBytes => new FileSystemFreeSpace().AvailableBytes(Path);

    /// <summary>Mounts a tmpfs of <paramref name="sizeBytes"/>, or ignores the calling test saying why it cannot.</summary>
    public static SmallVolume MountOrIgnore(long sizeBytes)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("a small volume needs Linux (tmpfs); this test did not run");
        }

        var path = Directory.CreateTempSubdirectory("ledger-small-volume-").FullName;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes},mode=0700", "ledger-test-volume", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            Assert.Ignore($"cannot create a small volume: 'mount -t tmpfs' failed (exit {exitCode}; it needs root or CAP_SYS_ADMIN, uid here is {Environment.GetEnvironmentVariable("UID") ?? "?"}): {output.Trim()}; this test did not run");
        }

        return new SmallVolume(path);
    }

    /// <summary>Writes filler files until at most <paramref name="leaveFreeBytes"/> are free (or the volume is full).</summary>
    public void FillLeaving(long leaveFreeBytes)
    {
        var chunk = new byte[ChunkBytes];
        Random.Shared.NextBytes(chunk);
        var filler = System.IO.Path.Combine(Path, $"filler-{fillers.Count}");
        fillers.Add(filler);
        using var stream = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0);
        while (true)
        {
            var free = FreeBytes;
            if (free <= leaveFreeBytes)
            {
                return;
            }

            var bytes = (int)Math.Min(ChunkBytes, free - leaveFreeBytes);
            try
            {
                stream.Write(chunk, 0, bytes);
                stream.Flush();
            }
            catch (IOException e) when (StorageWritePause.IsNoSpace(e))
            {
                return;
            }
        }
    }

    /// <summary>Deletes every filler file: the space they held is free again.</summary>
    public void Free()
    {
        foreach (var filler in fillers)
        {
            File.Delete(filler);
        }

        fillers.Clear();
    }

    public void Dispose()
    {
        // Lazy: a node that failed to stop may still hold files open; the mount goes once they close.
        Run("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
