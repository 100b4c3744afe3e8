using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Ledger.Cli.Commands;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Client.Tests.Cli;

/// <summary>`ledger health` is a readiness probe: exit 0 only when the node's gRPC health service says SERVING.</summary>
[NonParallelizable]
public sealed class HealthCommandTests
{
    [Test]
    public async Task Health_NodeServing_ExitsZeroSayingServing()
    {
        await using var node = await HealthServer.StartAsync(HealthCheckResponse.Types.ServingStatus.Serving);

        var (exitCode, output, error) = CliRunner.Run("health", "--endpoint", node.Endpoint.ToString());

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("SERVING").And.Not.Contain("NOT_SERVING"));
    }

    [Test]
    public async Task Health_NodeNotServing_ExitsFourSayingNotServingAndWhereToLook()
    {
        // What a recovering node (or one stopped after a fault) answers.
        await using var node = await HealthServer.StartAsync(HealthCheckResponse.Types.ServingStatus.NotServing);

        var (exitCode, output, error) = CliRunner.Run("health", "--endpoint", node.Endpoint.ToString());

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Unavailable), error);
        Assert.That(output, Does.Contain("NOT_SERVING").And.Contain("ledger status"));
    }

    [Test]
    public async Task Health_NotServingAsJson_StatusField()
    {
        await using var node = await HealthServer.StartAsync(HealthCheckResponse.Types.ServingStatus.NotServing);

        var (_, output, _) = CliRunner.Run("health", "--endpoint", node.Endpoint.ToString(), "--output", "json");

        Assert.That(output, Does.Contain("\"status\": \"NOT_SERVING\""));
    }

    [Test]
    public void Health_NothingListening_ExitsFourWithoutTryingOtherEndpoints()
    {
        var port = FreePort();

        var (exitCode, _, error) = CliRunner.Run("health", "--endpoint", $"http://127.0.0.1:{port}", "--timeout-seconds", "3");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Unavailable), error);
    }

    [TestCase("0")]
    [TestCase("3601")]
    public void Health_TimeoutOutOfBounds_IsAUsageErrorNamingTheBounds(string seconds)
    {
        var (exitCode, _, error) = CliRunner.Run("health", "--endpoint", "http://127.0.0.1:1", "--timeout-seconds", seconds);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain($"1..{HealthCommand.TimeoutSecondsMax}"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A gRPC server with only the standard health service, answering <c>status</c> for the whole server.</summary>
    private sealed class HealthServer : IAsyncDisposable
    {
        private readonly WebApplication app;

        private HealthServer(WebApplication app, Uri endpoint)
        {
            this.app = app;
            Endpoint = endpoint;
        }

        public Uri Endpoint { get; }

        public static async Task<HealthServer> StartAsync(HealthCheckResponse.Types.ServingStatus status)
        {
            var health = new HealthServiceImpl();
            health.SetStatus("", status);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(health);
            var app = builder.Build();
            app.MapGrpcService<HealthServiceImpl>();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new HealthServer(app, new Uri(address));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
