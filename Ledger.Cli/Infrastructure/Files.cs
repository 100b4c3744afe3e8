namespace Ledger.Cli.Infrastructure;

/// <summary>File helpers with the CLI's safety rules: private files are 0600, nothing is overwritten silently.</summary>
public static class Files
{
    public static void EnsureWritable(string path, bool force)
    {
        if (File.Exists(path) && !force)
        {
            throw new CliException(ExitCodes.Usage, $"{path} exists; refusing to overwrite it (pass --force to replace it)");
        }
    }

    /// <summary>Writes a secret: created with mode 0600 before any byte of it is written, then renamed into place.</summary>
    public static void WritePrivate(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static void WritePublic(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        File.WriteAllText(path, content);
    }

    public static byte[] ReadAllBytes(string path, long bytesMax, string what)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{what} {path} does not exist", path);
        }

        if (info.Length > bytesMax)
        {
            throw new CliException(ExitCodes.InvalidInput, $"{what} {path} is {info.Length} bytes, more than the {bytesMax} allowed");
        }

        return File.ReadAllBytes(path);
    }
}
