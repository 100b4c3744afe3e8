using System.Reflection;
using Ledger.Storage;

namespace Ledger.Node.Configuration;

/// <summary>What this build is: its software version (with the source revision when the build recorded it) and the on-disk format it writes.</summary>
public static class NodeVersion
{
    /// <summary>Characters of the version string kept at most (it is sent in every Status answer).</summary>
    public const int SoftwareCharactersMax = 128;

    /// <summary>The assembly's informational version, e.g. <c>1.0.0+3f2a9c1</c>.</summary>
    public static string Software { get; } = ReadSoftware();

    /// <summary>The storage format this build writes (<see cref="LedgerDatabase.FormatVersion"/>) and opens back to <see cref="LedgerDatabase.OldestUpgradableFormatVersion"/>.</summary>
    public static uint StorageFormat => LedgerDatabase.FormatVersion;

    private static string ReadSoftware()
    {
        var assembly = typeof(NodeVersion).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        return version.Length <= SoftwareCharactersMax ? version : version[..SoftwareCharactersMax];
    }
}
