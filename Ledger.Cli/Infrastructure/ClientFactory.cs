using System.CommandLine;
using Ledger.Client;
using Ledger.Core.Consortium;

namespace Ledger.Cli.Infrastructure;

/// <summary>Builds a <see cref="LedgerClient"/> from the connection options every node command takes.</summary>
public static class ClientFactory
{
    /// <summary>The dev node's public gRPC address as it prints it (Ledger.Node's NodeOptions.PublicUrl default; a test keeps the two equal).</summary>
    public const string DefaultEndpoint = "http://localhost:7050";

    public static Option<string?> Genesis { get; } = new("--genesis")
    {
        Description = "Consortium genesis (or LEDGER_GENESIS, or the context's): the trust anchor; without one no receipt is verified (on loopback the dev node's genesis file is used when found)",
    };

    public static Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "Consortium TLS CA PEM (or LEDGER_TLS_CA, or the context's): node certificates must chain to it",
    };

    public static Option<bool> NoVerify { get; } = new("--no-verify")
    {
        Description = "Do not verify receipts and headers client-side (trust the node)",
    };

    /// <summary>Largest TLS CA PEM file read (a bundle of a few certificates is a few KB).</summary>
    public const int TlsCaBytesMax = 1024 * 1024;

    public static void AddConnectionOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(GlobalOptions.Endpoints);
        command.Options.Add(Genesis);
        command.Options.Add(TlsCa);
        command.Options.Add(NoVerify);
    }

    public static LedgerClient Create(ParseResult parse, CliOutput console) => new(Options(parse, genesis: null));

    /// <summary>
    /// As <see cref="Create"/>, for commands that verify receipts: with no --genesis or
    /// LEDGER_GENESIS and only loopback endpoints it anchors on the local dev node's genesis file
    /// (<see cref="DevGenesisAnchor"/>) and says so on stderr.
    /// </summary>
    public static async Task<LedgerClient> CreateAsync(ParseResult parse, CliOutput console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(console);
        var options = Options(parse, genesis: null);
        var client = new LedgerClient(options);
        if (options.Genesis is not null || !options.VerifyResponses)
        {
            return client;
        }

        var path = DevGenesisAnchor.FindCandidate(options.Endpoints, ".");
        var adopted = path is null ? null : await DevGenesisAnchor.TryAdoptAsync(path, client, cancellation).ConfigureAwait(false);
        if (adopted is not { } dev)
        {
            await console.Error.WriteLineAsync("ledger: no trusted genesis (--genesis FILE or LEDGER_GENESIS): receipts cannot be verified, only reported as committed").ConfigureAwait(false);
            return client;
        }

        await client.DisposeAsync().ConfigureAwait(false);
        await console.Error.WriteLineAsync($"ledger: trusting the local dev genesis {path} (chain '{dev.Genesis.ChainId}', sha256 {dev.Sha256}); give --genesis to choose the anchor").ConfigureAwait(false);
        return new LedgerClient(Options(parse, dev.Genesis));
    }

    private static LedgerClientOptions Options(ParseResult parse, ConsortiumGenesis? genesis)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var endpoints = CliSettings.Endpoints(parse).Value;
        var uris = new List<Uri>();
        foreach (var endpoint in endpoints)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw CliException.Usage($"endpoint '{endpoint}' is not an http(s) URL");
            }

            uris.Add(uri);
        }

        var genesisPath = CliSettings.Genesis(parse, Genesis).Value;
        var caPath = CliSettings.TlsCa(parse).Value;
        return new LedgerClientOptions
        {
            Endpoints = uris,
            Genesis = genesis ?? (genesisPath is null ? null : ConsortiumGenesis.Parse(Files.ReadAllBytes(genesisPath, ConsortiumGenesis.DocumentBytesMax, "genesis"))),
            TlsCaPem = caPath is null ? null : System.Text.Encoding.UTF8.GetString(Files.ReadAllBytes(caPath, TlsCaBytesMax, "TLS CA")),
            VerifyResponses = !SafeGetBool(parse, NoVerify),
        };
    }

    private static bool SafeGetBool(ParseResult parse, Option<bool> option) =>
        parse.CommandResult.Command.Options.Contains(option) && parse.GetValue(option);
}
