namespace Ledger.Node.Web;

/// <summary>
/// Where the web listener (explorer, in-browser verifier, HTTP/JSON API under <c>/v1</c>) listens:
/// <c>Node:WebUrl</c> / <c>--web-url</c>. Empty means the default: on at <see cref="DevelopmentDefault"/>
/// in development mode (no genesis file given), off otherwise; <see cref="Off"/> turns it off in
/// development mode too.
/// </summary>
public static class WebListenerUrl
{
    public const string DevelopmentDefault = "http://localhost:7080";

    /// <summary>The value that turns the web listener off.</summary>
    public const string Off = "off";

    /// <summary>The listener's URL, or null when there is none.</summary>
    public static Uri? Resolve(string configured, bool development)
    {
        ArgumentNullException.ThrowIfNull(configured);
        if (configured.Length == 0)
        {
            return development ? new Uri(DevelopmentDefault) : null;
        }

        return configured == Off ? null : new Uri(configured);
    }

    /// <summary>
    /// A plain <c>http(s)://host:port</c> URL (no path, query or user) on a port no other listener uses:
    /// the node tells its listeners apart by the port a connection arrived on, never by the Host header.
    /// </summary>
    public static void Validate(string configured, params string[] otherListenerUrls)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(otherListenerUrls);
        if (configured.Length == 0 || configured == Off)
        {
            return;
        }

        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0 || uri.Port is < 1 or > 65_535)
        {
            throw new InvalidOperationException($"Node:WebUrl must be a plain http://host:port or https://host:port URL (port 1..65535), or '{Off}'; was '{configured}'");
        }

        foreach (var other in otherListenerUrls)
        {
            if (other.Length > 0 && Uri.TryCreate(other, UriKind.Absolute, out var otherUri) && otherUri.Port == uri.Port)
            {
                throw new InvalidOperationException($"Node:WebUrl ({configured}) must use a port of its own, not the one of {other}: the node serves each listener by the port a connection arrived on");
            }
        }
    }
}
