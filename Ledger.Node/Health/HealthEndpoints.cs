using System.Text;

namespace Ledger.Node.Health;

/// <summary>
/// <c>GET /healthz</c> (liveness) and <c>GET /readyz</c> (readiness) on the web and metrics listeners,
/// chosen by the port a connection arrived on (never by the Host header; the gRPC ports serve gRPC only).
/// 200 with "ok", or 503 with the reasons, as plain text, never cached. Answers from
/// <see cref="NodeReadiness"/>: no I/O per probe.
/// </summary>
public sealed class HealthEndpoints(RequestDelegate next, HealthListenerPorts ports, LedgerNode node)
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value;
        var live = string.Equals(path, LivePath, StringComparison.Ordinal);
        var ready = string.Equals(path, ReadyPath, StringComparison.Ordinal);
        if ((!live && !ready) || !ports.Serves(context.Connection.LocalPort))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        var report = live ? node.Readiness.Live() : node.Readiness.Ready();
        var body = Encoding.UTF8.GetBytes((report.IsHealthy ? "ok" : (live ? "not live: " : "not ready: ") + report.Describe()) + "\n");
        response.StatusCode = report.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The ports whose listeners answer the health paths: the web listener's and the metrics listener's (either may be off).</summary>
public sealed record HealthListenerPorts(int? WebPort, int? MetricsPort)
{
    public bool Serves(int port) => port == WebPort || port == MetricsPort;
}

/// <summary>Registration in the composition root: one call before the web gate.</summary>
public static class HealthEndpointsRegistration
{
    public static void UseHealthEndpoints(this IApplicationBuilder app, LedgerNode node, Uri? webUri, string metricsUrl)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(metricsUrl);
        var ports = new HealthListenerPorts(webUri?.Port, metricsUrl.Length > 0 ? new Uri(metricsUrl).Port : null);
        app.UseMiddleware<HealthEndpoints>(ports, node);
    }
}
