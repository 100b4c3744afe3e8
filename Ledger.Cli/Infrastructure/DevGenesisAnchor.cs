using System.Net;
using System.Security.Cryptography;
using Ledger.Client;
using Ledger.Core.Consortium;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Lets the README's development flow verify receipts with no flags: when no genesis is given and
/// every endpoint is on this machine (loopback), the dev node's own genesis file on this disk
/// (<c>Ledger.Node/data/dev/genesis.json</c> or <c>data/dev/genesis.json</c> under the current
/// directory, where <c>dotnet run --project Ledger.Node</c> writes it) is the trust anchor. It is
/// an anchor because it is read from the local disk, which the network cannot touch; a genesis
/// fetched from the node being checked would not be one. The node's answer (its chain id) only
/// decides whether to use the file at all, so a lying node can at most make the CLI use no anchor.
/// The CLI names the file it trusted on stderr.
/// </summary>
public static class DevGenesisAnchor
{
    /// <summary>Where the dev node writes its genesis, relative to the directory the CLI runs in.</summary>
    public static IReadOnlyList<string> CandidatePaths { get; } =
    [
        Path.Combine("Ledger.Node", "data", "dev", "genesis.json"),
        Path.Combine("data", "dev", "genesis.json"),
    ];

    /// <summary>The dev genesis file under <paramref name="baseDirectory"/> to try for <paramref name="endpoints"/>, or null (not all loopback, or no file).</summary>
    public static string? FindCandidate(IReadOnlyList<Uri> endpoints, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Count == 0 || !endpoints.All(IsLoopback))
        {
            return null;
        }

        return CandidatePaths.Select(path => Path.Combine(baseDirectory, path)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The genesis in <paramref name="path"/> when the node at the endpoints runs that chain; null
    /// otherwise (another local chain, or an unreadable file: the CLI then runs unanchored).
    /// </summary>
    public static async Task<(ConsortiumGenesis Genesis, string Sha256)?> TryAdoptAsync(string path, LedgerClient probe, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(probe);
        byte[] bytes;
        ConsortiumGenesis genesis;
        try
        {
            bytes = Files.ReadAllBytes(path, ConsortiumGenesis.DocumentBytesMax, "genesis");
            genesis = ConsortiumGenesis.Parse(bytes);
        }
        catch (Exception exception) when (exception is IOException or GenesisFormatException or CliException or UnauthorizedAccessException)
        {
            return null;
        }

        var status = await probe.StatusAsync(cancellation).ConfigureAwait(false);
        return string.Equals(status.ChainId, genesis.ChainId, StringComparison.Ordinal)
            ? (genesis, Convert.ToHexStringLower(SHA256.HashData(bytes)))
            : null;
    }

    private static bool IsLoopback(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
