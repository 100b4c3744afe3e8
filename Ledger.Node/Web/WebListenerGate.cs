using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Ledger.Node.Web;

/// <summary>
/// Keeps each listener to its own job, by the port a connection arrived on (never by the client's Host
/// header). On the web listener: the HTTP/JSON routes (<c>/v1/…</c>, gRPC JSON transcoding) and the
/// <see cref="StaticWebFiles"/>, each with the security headers, and 404 for everything else (no gRPC
/// method, no peer service, no health or reflection service). On every other listener: the JSON routes
/// are 404, so the gRPC ports keep serving gRPC only.
/// </summary>
public sealed class WebListenerGate(RequestDelegate next, WebListenerPort webPort, StaticWebFiles files)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var transcoded = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null;
        if (webPort.Port is not { } port || context.Connection.LocalPort != port)
        {
            if (transcoded)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context).ConfigureAwait(false);
            return;
        }

        var bodyLimit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodyLimit is { IsReadOnly: false })
        {
            bodyLimit.MaxRequestBodySize = WebLimits.RequestBodyBytesMax;
        }

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (transcoded)
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy.Json;
            // Answers follow the chain as it grows (status, latest header): never reuse one.
            headers.CacheControl = "no-store";
            await next(context).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && files.TryGet(request.Path.Value ?? "", out var file))
        {
            await ServeAsync(context, file).ConfigureAwait(false);
            return;
        }

        headers.ContentSecurityPolicy = ContentSecurityPolicy.Json;
        headers.CacheControl = "no-store";
        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task ServeAsync(HttpContext context, StaticWebFile file)
    {
        var response = context.Response;
        response.Headers.ContentSecurityPolicy = file.ContentSecurityPolicy;
        // Revalidated on every use (the files change with the node's version), cheap through the ETag.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await response.Body.WriteAsync(file.Content, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The web listener's port, or null when it is off.</summary>
public sealed record WebListenerPort(int? Port);
