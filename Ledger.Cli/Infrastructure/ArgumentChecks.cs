using Ledger.Core.Consortium;

namespace Ledger.Cli.Infrastructure;

/// <summary>Checks of command-line values that several commands share, each failing as a usage error (exit 2).</summary>
public static class ArgumentChecks
{
    /// <summary>A member, node or chain id as the genesis file allows it.</summary>
    public static string Identifier(string id, string what) => ConsortiumGenesis.IsValidIdentifier(id)
        ? id
        : throw CliException.Usage($"{what} '{id}' is not 1-{ConsortiumGenesis.IdentifierBytesMax} characters of [A-Za-z0-9._:-]");

    /// <summary>An absolute http or https URL.</summary>
    public static Uri HttpUrl(string text, string what) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw CliException.Usage($"{what} '{text}' is not an http(s) URL");

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int RequireWithin(int value, int min, int max, string what) => value >= min && value <= max
        ? value
        : throw CliException.Usage($"{what} must be within {min}..{max}, was {value}");
}
