using System.Text.RegularExpressions;

namespace Ledger.Storage.Damage;

/// <summary>
/// Names the damaged part of a data directory from what RocksDB said (its messages name the file
/// for table, blob and MANIFEST damage) or, for WAL replay, from the line RocksDB's own info log
/// wrote just before failing (the status it returns says only "checksum mismatch").
/// </summary>
public static partial class DamagedParts
{
    /// <summary>The part and file a RocksDB error message names, or (Unknown, null).</summary>
    public static (DamagedPart Part, string? FileName) FromMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = FileNamePattern().Match(message);
        if (!match.Success)
        {
            // A blob record's checksum failure names no file ("Error while decoding blob record").
            return (message.Contains("blob", StringComparison.OrdinalIgnoreCase) ? DamagedPart.BlobFile : DamagedPart.Unknown, null);
        }

        var name = match.Value;
        DamagedPart part;
        if (name.StartsWith("MANIFEST", StringComparison.Ordinal) || name == "CURRENT")
        {
            part = DamagedPart.Manifest;
        }
        else if (name.EndsWith(".log", StringComparison.Ordinal))
        {
            part = DamagedPart.WriteAheadLog;
        }
        else if (name.EndsWith(".sst", StringComparison.Ordinal))
        {
            part = DamagedPart.TableFile;
        }
        else
        {
            part = DamagedPart.BlobFile;
        }

        return (part, name);
    }

    /// <summary>
    /// After a failed open: the WAL file RocksDB's info log (<c>LOG</c>) reported dropping bytes of,
    /// read from the last <see cref="InfoLogTailBytesMax"/> bytes of that log; null when it names none.
    /// </summary>
    public static string? WalNamedInInfoLog(string dataDirectory)
    {
        var log = Path.Combine(dataDirectory, "LOG");
        if (!File.Exists(log))
        {
            return null;
        }

        string tail;
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Seek(Math.Max(0, stream.Length - InfoLogTailBytesMax), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            tail = reader.ReadToEnd();
        }

        string? found = null;
        foreach (Match match in WalDropPattern().Matches(tail))
        {
            found = match.Groups["file"].Value;
        }

        return found;
    }

    /// <summary>The directory's only blob file (then it is the damaged one), or null when there are several or none.</summary>
    public static string? OnlyBlobFile(string dataDirectory)
    {
        var blobs = Directory.GetFiles(dataDirectory, "*.blob");
        return blobs.Length == 1 ? Path.GetFileName(blobs[0]) : null;
    }

    /// <summary>How much of RocksDB's info log is read to find the damaged WAL: its last lines are those of the failed open.</summary>
    public const int InfoLogTailBytesMax = 64 * 1024;

    public static string Describe(DamagedPart part) => part switch
    {
        DamagedPart.WriteAheadLog => "the write-ahead log",
        DamagedPart.Manifest => "the database manifest",
        DamagedPart.TableFile => "a table file",
        DamagedPart.BlobFile => "a blob file",
        DamagedPart.Identity => "the ledger's identity records",
        DamagedPart.RaftRecord => "the Raft log",
        DamagedPart.Block => "a stored block",
        _ => "the data directory",
    };

    [GeneratedRegex(@"MANIFEST-\d+|\bCURRENT\b|\d{6,}\.(log|sst|blob)")]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"(?<file>\d{6,}\.log): dropping \d+ bytes")]
    private static partial Regex WalDropPattern();
}
