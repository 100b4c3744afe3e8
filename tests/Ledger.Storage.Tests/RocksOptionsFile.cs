namespace Ledger.Storage.Tests;

/// <summary>
/// The options RocksDB recorded in a directory's newest OPTIONS file (written at every open): what
/// the database actually runs with, read back rather than trusted from our own settings.
/// </summary>
internal sealed class RocksOptionsFile
{
    private readonly Dictionary<string, Dictionary<string, string>> sections = new(StringComparer.Ordinal);

    private RocksOptionsFile()
    {
    }

    public static RocksOptionsFile ReadNewest(string directory)
    {
        var file = Directory.GetFiles(directory, "OPTIONS-*").Max(StringComparer.Ordinal)
            ?? throw new FileNotFoundException($"no OPTIONS file in {directory}");
        var result = new RocksOptionsFile();
        Dictionary<string, string>? current = null;
        foreach (var line in File.ReadLines(file))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith('['))
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                result.sections[trimmed] = current;
            }
            else if (current is not null && trimmed.IndexOf('=') is var at and > 0)
            {
                current[trimmed[..at]] = trimmed[(at + 1)..];
            }
        }

        return result;
    }

    /// <summary>An option of the database as a whole (<c>[DBOptions]</c>).</summary>
    public string Database(string name) => sections["[DBOptions]"][name];

    /// <summary>An option of one column family (<c>[CFOptions "family"]</c>).</summary>
    public string Family(string family, string name) => sections[$"[CFOptions \"{family}\"]"][name];

    /// <summary>A table option of one column family (<c>[TableOptions/BlockBasedTable "family"]</c>).</summary>
    public string Table(string family, string name) => sections[$"[TableOptions/BlockBasedTable \"{family}\"]"][name];
}
