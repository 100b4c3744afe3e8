using Ledger.Storage.Errors;

namespace Ledger.Storage.Damage;

/// <summary>
/// The data directory is damaged on local disk and cannot be opened as it is: the one error every
/// kind of open-time corruption becomes (WAL, MANIFEST/CURRENT, table or blob file, identity
/// records), naming the file when RocksDB names it. Never a silent cut: the node either repairs
/// itself from its peers or refuses to start with this message.
/// </summary>
public sealed class DataDirectoryDamagedException : StorageCorruptionException
{
    public DataDirectoryDamagedException(string dataDirectory, DamagedPart part, string? fileName, string detail, Exception? innerException = null)
        : base(Describe(dataDirectory, part, fileName, detail), innerException)
    {
        DataDirectory = dataDirectory;
        Part = part;
        FileName = fileName;
        Detail = detail;
    }

    public string DataDirectory { get; }

    public DamagedPart Part { get; }

    /// <summary>The damaged file's name inside <see cref="DataDirectory"/> (<c>000012.log</c>, <c>MANIFEST-000005</c>), or null when unknown.</summary>
    public string? FileName { get; }

    /// <summary>What failed, as RocksDB or our check said it, without the advice.</summary>
    public string Detail { get; }

    private static string Describe(string dataDirectory, DamagedPart part, string? fileName, string detail)
    {
        var where = fileName is null ? $"'{dataDirectory}'" : $"'{Path.Combine(dataDirectory, fileName)}'";
        return $"local disk corruption in {DamagedParts.Describe(part)} {where}: {detail}";
    }
}
