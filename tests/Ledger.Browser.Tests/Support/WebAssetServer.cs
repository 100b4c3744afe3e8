using System.Text;
using Ledger.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Browser.Tests.Support;

/// <summary>
/// A loopback Kestrel serving the embedded web/ files (<see cref="WebAssets"/>, as the node serves them)
/// plus pages a test adds, e.g. a page that loads the verifier through an import map.
/// </summary>
public sealed class WebAssetServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Dictionary<string, (byte[] Content, string ContentType)> pages = new(StringComparer.Ordinal);

    private WebAssetServer(WebApplication app)
    {
        this.app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebAssetServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new WebAssetServer(app);
        app.Run(server.ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>Serves <paramref name="content"/> at <paramref name="path"/> (relative, e.g. "cross-check.html").</summary>
    public Uri AddPage(string path, string content, string contentType = "text/html; charset=utf-8") => AddPage(path, Encoding.UTF8.GetBytes(content), contentType);

    public Uri AddPage(string path, byte[] content, string contentType)
    {
        lock (pages)
        {
            pages[path] = (content, contentType);
        }

        return new Uri(BaseAddress, path);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimStart('/') ?? "";
        (byte[] Content, string ContentType) page;
        bool found;
        lock (pages)
        {
            found = pages.TryGetValue(path, out page);
        }

        if (!found && WebAssets.TryGet(path, out var asset))
        {
            page = (asset, WebAssets.ContentTypeOf(path));
            found = true;
        }

        if (!found)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = page.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(page.Content).ConfigureAwait(false);
    }
}
