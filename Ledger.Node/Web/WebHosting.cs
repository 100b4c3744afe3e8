using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ledger.Node.Web;

/// <summary>
/// The web side of the node in one place, so the composition root (<c>NodeProgram</c>) needs a few calls:
/// the listener, gRPC JSON transcoding of the annotated read API, gRPC server reflection (so grpcurl
/// needs no .proto files), and the gate that keeps each listener to its own routes.
/// </summary>
public static partial class WebHosting
{
    /// <summary>
    /// The web listener: HTTP/1.1 and HTTP/2, its own connection cap, TLS with the node's certificate when the URL is https.
    /// <paramref name="certificate"/> is asked per handshake, as on the gRPC listeners, so a renewed certificate file is
    /// served without a restart (TlsCertificateFiles).
    /// </summary>
    public static void ConfigureListener(ListenOptions listen, Uri webUri, Func<X509Certificate2>? certificate)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(webUri);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.Use(new WebConnectionLimit(WebLimits.ConnectionsMax).Wrap);
        if (webUri.Scheme == Uri.UriSchemeHttps)
        {
            var current = certificate ?? throw new InvalidOperationException($"web URL {webUri} is https but no TLS certificate is configured (--tls-cert/--tls-key/--tls-ca)");
            listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => current() });
        }
    }

    /// <summary>Transcoding, reflection, hex request fields and the gate's dependencies.</summary>
    public static void AddWebApi(this IGrpcServerBuilder grpc, IServiceCollection services, Uri? webUri)
    {
        ArgumentNullException.ThrowIfNull(grpc);
        ArgumentNullException.ThrowIfNull(services);
        // The proto3 JSON mapping writes 64-bit integers as strings: as JSON numbers, a perceptual hash or
        // a far height beyond 2^53 would lose its low bits in every JavaScript client's JSON.parse.
        grpc.AddJsonTranscoding(options => options.JsonSettings.WriteInt64sAsStrings = true);
        services.AddGrpcReflection();
        services.AddSingleton(new WebListenerPort(webUri?.Port));
        services.AddSingleton(_ => StaticWebFiles.FromWebAssets());
    }

    /// <summary>The gate (before any endpoint runs) and the reflection service on the gRPC listeners.</summary>
    public static void UseWebApi(this WebApplication app, Uri? webUri, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<WebListenerGate>();
        app.MapGrpcReflectionService();
        if (webUri is not null)
        {
            LogWebListener(logger, webUri.ToString());
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Web listener at {Url}: the explorer at /, the verifier at /verify.html, the HTTP/JSON read API under /v1/")]
    private static partial void LogWebListener(ILogger logger, string url);
}
