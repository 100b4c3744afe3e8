using System.Net;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Node.Chain;
using Ledger.Node.Configuration;
using Ledger.Node.Health;
using Ledger.Node.Peers;
using Ledger.Node.Recovery;
using Ledger.Node.Services;
using Ledger.Node.TestFaults;
using Ledger.Node.Tls;
using Ledger.Node.Tracing;
using Ledger.Node.Web;
using Ledger.Storage.Errors;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Ledger.Node.Hosting;

/// <summary>
/// Start-up: configuration (appsettings.json, LEDGER_ environment variables, command line), the
/// development consortium when nothing is configured, then the gRPC host. Every start-up failure
/// is one clear line on stderr and a non-zero exit code, never a stack trace.
/// </summary>
public static class NodeProgram
{
    public const int ExitConfiguration = 2;
    public const int ExitStorage = 3;

    /// <summary>Local disk damage found while running: recorded, and a restart repairs the node from its peers.</summary>
    public const int ExitLocalDamage = 4;

    /// <summary>The Raft state read at start breaks a Raft invariant (<see cref="InconsistentRaftStateException"/>): the operator decides.</summary>
    public const int ExitInconsistentState = 5;

    public static async Task<int> RunAsync(string[] args)
    {
        switch (ParseCommandLine(args, out var refusal))
        {
            case NodeCommand.Help:
                await Console.Out.WriteAsync(NodeCommandLine.HelpText()).ConfigureAwait(false);
                return 0;
            case NodeCommand.Version:
                await Console.Out.WriteLineAsync(NodeCommandLine.VersionText()).ConfigureAwait(false);
                return 0;
            case null:
                await Console.Error.WriteLineAsync($"ledger-node: {refusal}").ConfigureAwait(false);
                return ExitConfiguration;
        }

        WebApplication app;
        LedgerNode node;
        try
        {
            (app, node) = Build(args, ownsProcess: true);
        }
        catch (Exception e) when (e is InvalidOperationException or OptionsValidationException or GenesisFormatException or LedgerCryptoException or IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"ledger-node: {Describe(e)}").ConfigureAwait(false);
            return e is IOException or UnauthorizedAccessException ? ExitStorage : ExitConfiguration;
        }
        catch (StorageException e)
        {
            await Console.Error.WriteLineAsync($"ledger-node: {e.Message}").ConfigureAwait(false);
            return ExitStorage;
        }
        catch (InconsistentRaftStateException e)
        {
            await Console.Error.WriteLineAsync($"ledger-node: {e.Message}").ConfigureAwait(false);
            return ExitInconsistentState;
        }

        await using (node.ConfigureAwait(false))
        {
            app.Lifetime.ApplicationStarted.Register(node.Start);
            _ = node.Damage.Found.ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default);
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"ledger-node: cannot listen: {e.Message}").ConfigureAwait(false);
                return ExitConfiguration;
            }
        }

        if (node.Damage.Current is { } damage)
        {
            await Console.Error.WriteLineAsync($"ledger-node: {damage.Description} (file: {damage.File}); recorded: restart the node and it resyncs from its peers").ConfigureAwait(false);
            return ExitLocalDamage;
        }

        return 0;
    }

    /// <summary>Builds the host and node without running them (tests start several in one process).</summary>
    /// <param name="timeProvider">The node's clock; null = the system clock (tests give each in-process node its own).</param>
    /// <param name="ownsProcess">The node is the process (<see cref="RunAsync"/>): it applies process-wide settings, the GC heap limit; tests running several nodes in one process leave them.</param>
    public static (WebApplication App, LedgerNode Node) Build(string[] args, TimeProvider? timeProvider = null, bool ownsProcess = false)
    {
        var startup = new StartupPhases(sinceProcessStart: timeProvider is null);
        if (NodeCommandLine.Parse(args) != NodeCommand.Run)
        {
            throw new NodeConfigurationException("--help and --version print and exit; they start no node");
        }

        args = CommandLineFlags.ExpandSwitches(args);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        var (options, development, devConsortiumCreated) = NodeConfiguration.Load(builder.Configuration, builder.Services, args);
        NodeLogging.Configure(builder.Logging, builder.Configuration, options.LogFormat);
        var testBugs = TestBugs.FromEnvironment(options.TestBugs);

        var webUri = WebListenerUrl.Resolve(options.WebUrl, development);
        if (development)
        {
            PrintDevelopmentBanner(options, devConsortiumCreated, webUri);
        }

        if (options.NodeId.Length == 0 || options.NodeKeyFile.Length == 0)
        {
            throw new InvalidOperationException("with a genesis file, --node-id and --node-key are required");
        }

        builder.Services.AddLedgerTracing(builder.Configuration, options.NodeId); // Node:Tracing:*; nothing unless an OTLP endpoint is set

        var chain = ChainContext.Load(options.GenesisFile);
        var nodeKey = KeyFile.Import(File.ReadAllText(options.NodeKeyFile));
        var peerUrls = ParsePeers(options.Peers);
        // The node's own components log through a factory configured exactly as the host's (levels, format).
        var loggerFactory = NodeLogging.CreateFactory(builder.Configuration, options.LogFormat);
        var gcAvailableBytes = ownsProcess ? GcHeapLimit.Apply(options.Memory) : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        MemoryBudgetLog.Report(options, gcAvailableBytes, loggerFactory.CreateLogger(typeof(MemoryBudgetLog)));
        var tls = TlsSetup.Load(options.Tls, options.NodeId, timeProvider ?? TimeProvider.System, loggerFactory);
        PeerTransportPolicy.Enforce(
            PeerTransportPolicy.FindPlaintextPeers(chain, options.NodeId, options.PeerUrl, tls is not null, peerUrls),
            options.InsecurePlaintextPeers,
            loggerFactory.CreateLogger(typeof(PeerTransportPolicy)));
        SmBackendLog.IfSmSuite(chain, loggerFactory.CreateLogger(typeof(SmBackendLog)));

        if (tls is null && (options.PublicUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) || options.PeerUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException("an https URL needs TLS material: --tls-ca, --tls-cert and --tls-key");
        }

        ConfigureKestrel(builder, options, tls, webUri);
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = options.PublicMessageBytesMax;
            o.MaxSendMessageSize = Ledger.Core.Protocol.BlockReadLimits.BlockMessageBytesMax;
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<ErrorInterceptor>();
            o.Interceptors.Add<HexRequestFieldsInterceptor>();
            o.Interceptors.Add<Metrics.ReadTimingInterceptor>(); // innermost: times the handler alone
        }).AddServiceOptions<LedgerPeerService>(o => o.MaxReceiveMessageSize = options.PeerMessageBytesMax).AddWebApi(builder.Services, webUri);

        TestFaultWarnings.LogActive(loggerFactory.CreateLogger(typeof(TestBugs)), testBugs, options);
        var clock = SkewedTimeProvider.Wrap(timeProvider ?? TimeProvider.System, options.ClockOffsetMilliseconds, options.ClockDriftPpm);
        var hasPeers = peerUrls.Count > 0 || chain.FoundingNodes.Count > 1;
        LedgerNode node;
        try
        {
            node = DamagedStart.Create(LedgerNode.DatabaseDirectory(options), LedgerNode.StagingDirectory(options), hasPeers,
                start => new LedgerNode(options, chain, options.NodeId, nodeKey, peerUrls, tls, clock, loggerFactory, start, testBugs, startup), clock, loggerFactory.CreateLogger(typeof(DamagedStart)));
        }
        catch (RaftInvariantException e)
        {
            throw new InconsistentRaftStateException(e, LedgerNode.DatabaseDirectory(options), hasPeers);
        }

        builder.Services.AddSingleton(node);
        GenesisBinding.Report(node, loggerFactory.CreateLogger(typeof(GenesisBinding)));
        var handover = new LeadershipHandover(node, LeadershipHandoverWait(options), TimeSpan.FromMilliseconds(options.TickMilliseconds), clock, loggerFactory.CreateLogger<LeadershipHandover>());
        builder.Services.AddSingleton<IHostedService>(handover);
        builder.Services.AddGrpcHealthChecks().AddCheck<NodeHealthCheck>(NodeHealthCheck.Name);
        var streamBudget = new SubmitStreamBudget(options.Api);
        builder.Services.AddSingleton(streamBudget);
        var answersPending = Prometheus.Metrics.WithCustomRegistry(node.Metrics.Registry).CreateGauge(
            "ledger_submit_stream_answers_pending", "SubmitStream answers read and not yet written, over the node (at most Node:Api:NodeAnswersMax)");
        node.Metrics.Registry.AddBeforeCollectCallback(() => answersPending.Set(streamBudget.PendingAnswers));
        builder.Services.AddSingleton(new NodeRuntimeOptions(TimeSpan.FromMilliseconds(options.SubmitTimeoutMilliseconds), options.BlocksPerRangeMax));
        builder.Services.AddSingleton(_ => new LedgerPeerService(node, tls is not null, handover.PeerStreamsStopping));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<EvidenceService>(); // one instance: it bounds the exports in flight

        var app = builder.Build();
        app.MapGrpcService<LedgerApiService>();
        app.MapGrpcService<LedgerPeerService>();
        app.MapGrpcService<RegistryQueryService>();
        app.MapGrpcService<EvidenceService>();
        app.MapGrpcService<Admin.NodeAdminService>();
        app.MapGrpcHealthChecksService();
        app.UseHealthEndpoints(node, webUri, options.MetricsUrl);
        app.UseWebApi(webUri, loggerFactory.CreateLogger(typeof(WebHosting)));
        if (options.MetricsUrl.Length > 0)
        {
            // Only on the metrics listener, chosen by the port the connection arrived on (never by the
            // client-supplied Host header): the gRPC ports serve nothing but their services.
            app.UseMetricServer(new Uri(options.MetricsUrl).Port, "/metrics", node.Metrics.Registry);
        }

        return (app, node);
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, NodeOptions options, PeerTls? tls, Uri? webUri)
    {
        var publicUri = new Uri(options.PublicUrl);
        var peerUri = new Uri(options.PeerUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            ApplyLimits(kestrel.Limits, options);
            WebLimits.Apply(kestrel.Limits);
            if (webUri is not null)
            {
                Listen(kestrel, webUri, listen => WebHosting.ConfigureListener(listen, webUri, tls is null ? null : () => tls.Current));
            }

            Listen(kestrel, publicUri, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (publicUri.Scheme == Uri.UriSchemeHttps)
                {
                    // Clients authenticate the node by the consortium CA; they present no certificate themselves.
                    var certificates = tls ?? throw new InvalidOperationException($"public URL {publicUri} is https but no TLS certificate is configured (--tls-cert/--tls-key/--tls-ca)");
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificates.Current });
                }
            });
            if (options.MetricsUrl.Length > 0)
            {
                // Prometheus scrapes over HTTP/1.1.
                Listen(kestrel, new Uri(options.MetricsUrl), listen => listen.Protocols = HttpProtocols.Http1);
            }

            // The operator's admin socket (backup): owner-only Unix socket, never TCP (docs/backup-restore.md).
            _ = Admin.AdminSocket.Listen(kestrel, options.DataDirectory);
            Listen(kestrel, peerUri, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (tls is not null && peerUri.Scheme == Uri.UriSchemeHttps)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        // Asked per handshake: a renewed certificate file is served without a restart (TlsCertificateFiles).
                        ServerCertificateSelector = (_, _) => tls.Current,
                        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (certificate, _, _) =>
                            ConsortiumCertificateAuthority.ChainsTo(certificate, tls.Authority, DateTimeOffset.UtcNow),
                    });
                }
            });
        });
    }

    /// <summary>
    /// Every connection and HTTP/2 bound set from <see cref="ApiLimitsOptions"/>, none left to framework
    /// defaults. Kestrel's own mitigation of rapid stream reset (CVE-2023-44487: a client that resets
    /// streams faster than their handlers finish gets GOAWAY ENHANCE_YOUR_CALM) stays on; nothing here
    /// or in the runtime configuration turns it off.
    /// </summary>
    private static void ApplyLimits(KestrelServerLimits limits, NodeOptions options)
    {
        var api = options.Api;
        // Bounds whole unary bodies on both listeners; each gRPC service bounds its own messages
        // (public: one transaction; peer: a forwarded batch or a Raft append of one).
        limits.MaxRequestBodySize = options.RequestBodyBytesMax;
        limits.MaxResponseBufferSize = api.ResponseBufferBytesMax;
        limits.MaxConcurrentConnections = api.ConnectionsMax;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestHeadersTotalSize = api.RequestHeadersTotalBytesMax;
        limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(api.RequestHeadersTimeoutMilliseconds);
        limits.Http2.MaxStreamsPerConnection = api.Http2StreamsPerConnectionMax;
        limits.Http2.MaxFrameSize = api.Http2FrameBytesMax;
        limits.Http2.HeaderTableSize = api.Http2HeaderTableBytes;
        limits.Http2.MaxRequestHeaderFieldSize = api.RequestHeaderFieldBytesMax;
        limits.Http2.InitialConnectionWindowSize = api.Http2ConnectionWindowBytes;
        limits.Http2.InitialStreamWindowSize = api.Http2StreamWindowBytes;
        limits.Http2.KeepAlivePingDelay = TimeSpan.FromMilliseconds(api.KeepAlivePingDelayMilliseconds);
        limits.Http2.KeepAlivePingTimeout = TimeSpan.FromMilliseconds(api.KeepAlivePingTimeoutMilliseconds);
    }

    private static void Listen(KestrelServerOptions kestrel, Uri uri, Action<ListenOptions> configure)
    {
        if (uri.Host is "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, configure);
        }
        else if (IPAddress.TryParse(uri.Host, out var address))
        {
            kestrel.Listen(address, uri.Port, configure);
        }
        else
        {
            throw new InvalidOperationException($"listen address '{uri}' must use localhost or an IP address");
        }
    }

    private static Dictionary<string, string> ParsePeers(IEnumerable<string> peers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            var separator = peer.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == peer.Length - 1)
            {
                throw new InvalidOperationException($"peer '{peer}' must look like nodeId=url");
            }

            result[peer[..separator]] = peer[(separator + 1)..];
        }

        return result;
    }

    private static void PrintDevelopmentBanner(NodeOptions options, bool created, Uri? webUri)
    {
        var directory = Path.GetFullPath(Path.GetDirectoryName(DevConsortium.GenesisPath(options.DataDirectory))!);
        Console.WriteLine($"""
            Ledger development node ({(created ? "new dev consortium generated" : "existing dev consortium")})
              chain id     : {DevConsortium.ChainId}
              data         : {Path.GetFullPath(options.DataDirectory)}
              genesis+keys : {directory}  (member keys: dev-platform.key.json, dev-court.key.json, ...)
              public gRPC  : {options.PublicUrl}
              web          : {(webUri is null ? "off (--web-url URL turns it on)" : $"{webUri.GetLeftPart(UriPartial.Authority)}  (explorer /, verifier /verify.html, JSON API /v1/...)")}
            Register a first work:
              dotnet run --project Ledger.Cli -- register README.md --endpoint {options.PublicUrl} --key {Path.Combine(directory, "dev-platform.key.json")} --holder dev-platform --genesis {Path.Combine(directory, "genesis.json")}
            Cosign its checkpoints as the dev witness (Ed25519 key {DevConsortium.WitnessId}.key.json):
              dotnet run --project Ledger.Cli -- witness run --key {Path.Combine(directory, DevConsortium.WitnessId + ".key.json")} --endpoint {options.PublicUrl} --genesis {Path.Combine(directory, "genesis.json")}
            """);
    }

    /// <summary>The command line's request, or null (and why) when it is wrong.</summary>
    private static NodeCommand? ParseCommandLine(string[] args, out string? refusal)
    {
        try
        {
            refusal = null;
            return NodeCommandLine.Parse(args);
        }
        catch (NodeConfigurationException e)
        {
            refusal = e.Message;
            return null;
        }
    }

    /// <summary>The stop-time hand-over waits at most the configured time and never past an election timeout (Raft abandons the transfer then).</summary>
    private static TimeSpan LeadershipHandoverWait(NodeOptions options) =>
        TimeSpan.FromMilliseconds(Math.Min(options.StopLeadershipTransferMilliseconds, (long)options.ElectionTicks * options.TickMilliseconds));

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException f => $"file not found: {f.FileName}",
        DirectoryNotFoundException d => $"directory not found: {d.Message}",
        _ => e.Message,
    };
}
