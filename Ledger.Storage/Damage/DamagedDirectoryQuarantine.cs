using System.Globalization;

namespace Ledger.Storage.Damage;

/// <summary>
/// Moves a damaged data directory aside (to <c>&lt;dir&gt;.damaged-&lt;UTC timestamp&gt;</c>, beside it) so the
/// node can start on an empty one and resync from its peers, keeping the damaged copy for an operator
/// to inspect. At most <see cref="KeptMax"/> damaged copies are kept: the oldest go first, so a disk
/// that keeps failing cannot fill itself with copies.
/// </summary>
public static class DamagedDirectoryQuarantine
{
    /// <summary>Damaged copies kept beside one data directory.</summary>
    public const int KeptMax = 3;

    /// <summary>What follows the directory's name in a damaged copy's name.</summary>
    public const string Suffix = ".damaged-";

    private const string TimestampFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>
    /// Moves <paramref name="directory"/> to its damaged-copy name stamped <paramref name="nowUtc"/> and
    /// deletes the oldest copies beyond <see cref="KeptMax"/>. Returns the copy's path.
    /// </summary>
    public static string MoveAside(string directory, DateTimeOffset nowUtc)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"no data directory to move aside at '{full}'");
        }

        var stamp = nowUtc.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);
        var target = full + Suffix + stamp;
        for (var attempt = 1; Directory.Exists(target); attempt++)
        {
            // Two quarantines within one millisecond (a test, a fast restart loop) must not collide.
            target = $"{full}{Suffix}{stamp}-{attempt}";
        }

        Directory.Move(full, target);
        Prune(full);
        return target;
    }

    /// <summary>The damaged copies beside <paramref name="directory"/>, oldest first.</summary>
    public static IReadOnlyList<string> Copies(string directory)
    {
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(parent))
        {
            return [];
        }

        // The stamp sorts in time order as text; the collision suffix sorts after its stamp.
        return [.. Directory.GetDirectories(parent, Path.GetFileName(full) + Suffix + "*").Order(StringComparer.Ordinal)];
    }

    private static void Prune(string directory)
    {
        var copies = Copies(directory);
        for (var i = 0; i < copies.Count - KeptMax; i++)
        {
            Directory.Delete(copies[i], recursive: true);
        }
    }
}
