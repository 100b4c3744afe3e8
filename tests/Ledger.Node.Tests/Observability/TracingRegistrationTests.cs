using System.Diagnostics;
using Ledger.Node.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Ledger.Node.Tests.Observability;

/// <summary><c>Node:Tracing:*</c>: off by default, checked at start-up, and the pipeline it registers.</summary>
[NonParallelizable]
public sealed class TracingRegistrationTests
{
    [Test]
    public void AddLedgerTracing_NoEndpoint_RegistersNothing()
    {
        var services = new ServiceCollection();

        services.AddLedgerTracing(Configuration([]), "node-a");

        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetService<TracerProvider>(), Is.Null, "no pipeline, so no listener on the node's spans");
    }

    [Test]
    public void AddLedgerTracing_OtlpEndpoint_RegistersAPipelineThatListensToTheNodesSource()
    {
        var services = new ServiceCollection();

        services.AddLedgerTracing(Configuration(new() { ["Node:Tracing:OtlpEndpoint"] = "http://127.0.0.1:4317" }), "node-a");

        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetService<TracerProvider>(), Is.Not.Null);
        Assert.That(NodeTracing.Source.HasListeners(), Is.True);
    }

    [Test]
    public void AddLedgerTracing_WithAnExporter_ExportsTheNodesSpansWithTheNodeAsServiceInstance()
    {
        var exported = new List<Activity>();
        var services = new ServiceCollection();
        services.AddLedgerTracing(Configuration([]), "node-a", tracing => tracing.AddInMemoryExporter(exported));
        using var provider = services.BuildServiceProvider();
        var tracerProvider = provider.GetRequiredService<TracerProvider>();

        using (var span = NodeTracing.StartSubmit("node-a", []))
        {
            Assert.That(span, Is.Not.Null);
        }

        tracerProvider.ForceFlush();
        Assert.That(exported.Select(span => span.OperationName), Is.EqualTo(new[] { NodeTracing.SubmitSpan }));
        Assert.That(tracerProvider.GetResource().Attributes, Does.Contain(new KeyValuePair<string, object>("service.instance.id", "node-a")));
    }

    [Test]
    public void AddLedgerTracing_SampleRatioZero_RecordsNoNewTrace()
    {
        var exported = new List<Activity>();
        var services = new ServiceCollection();
        services.AddLedgerTracing(Configuration(new() { ["Node:Tracing:SampleRatio"] = "0" }), "node-a", tracing => tracing.AddInMemoryExporter(exported));
        using var provider = services.BuildServiceProvider();
        var tracerProvider = provider.GetRequiredService<TracerProvider>();

        using (NodeTracing.StartSubmit("node-a", []))
        {
        }

        tracerProvider.ForceFlush();
        Assert.That(exported, Is.Empty);
    }

    [TestCase("OtlpEndpoint", "collector:4317", "OtlpEndpoint must be an http:// or https:// URL")]
    [TestCase("OtlpEndpoint", "ftp://127.0.0.1:4317", "OtlpEndpoint must be an http:// or https:// URL")]
    [TestCase("OtlpEndpoint", "http://user:secret@127.0.0.1:4317", "no credentials")]
    [TestCase("OtlpEndpoint", "http://127.0.0.1:4317/?x=1", "no credentials, query or fragment")]
    [TestCase("OtlpEndpoint", "http://127.0.0.1:4317/v1/traces", "takes no path")]
    [TestCase("OtlpProtocol", "udp", "OtlpProtocol must be 'grpc' or 'http/protobuf'")]
    [TestCase("SampleRatio", "1.5", "SampleRatio must be within 0..1")]
    [TestCase("SampleRatio", "-0.1", "SampleRatio must be within 0..1")]
    [TestCase("ExportTimeoutMilliseconds", "0", "ExportTimeoutMilliseconds must be within 1..60000")]
    public void AddLedgerTracing_SettingOutOfBounds_RefusesNamingIt(string key, string value, string expected)
    {
        var configuration = Configuration(new() { ["Node:Tracing:" + key] = value, ["Node:Tracing:OtlpEndpoint"] = key == "OtlpEndpoint" ? value : "http://127.0.0.1:4317" });

        var refused = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddLedgerTracing(configuration, "node-a"));

        Assert.That(refused!.Message, Does.Contain("Node:Tracing:").And.Contain(expected));
    }

    [Test]
    public async Task RunAsync_BadOtlpEndpoint_ExitsWithOneLineNamingTheSettingBeforeOpeningStorage()
    {
        using var consortium = new Ledger.Node.Tests.Support.TestConsortium(1);
        var error = new StringWriter();
        var originalError = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = await Ledger.Node.Hosting.NodeProgram.RunAsync(consortium.ArgumentsFor(0, ["--Node:Tracing:OtlpEndpoint=collector:4317"]));
        }
        finally
        {
            Console.SetError(originalError);
        }

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(Ledger.Node.Hosting.NodeProgram.ExitConfiguration));
            Assert.That(lines, Has.Length.EqualTo(1), error.ToString());
            Assert.That(lines[0], Does.StartWith("ledger-node: Node:Tracing:OtlpEndpoint must be an http:// or https:// URL"));
            Assert.That(Directory.Exists(Path.Combine(consortium.Nodes[0].DataDirectory, "db")), Is.False, "refused before any storage is opened");
        });
    }

    [Test]
    public void Validate_LongEndpoint_QuotesABoundedPrefix()
    {
        var options = new TracingOptions { OtlpEndpoint = "collector:" + new string('9', 10_000) };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.That(refused!.Message.Length, Is.LessThan(400));
    }

    [TestCase("http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces")]
    [TestCase("http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces")]
    [TestCase("http://127.0.0.1:4318/custom/traces", "http://127.0.0.1:4318/custom/traces")]
    public void ExportUri_HttpProtobuf_AddsTheSignalPathWhenNoneIsGiven(string endpoint, string expected)
    {
        var options = new TracingOptions { OtlpEndpoint = endpoint, OtlpProtocol = TracingOptions.ProtocolHttpProtobuf };

        options.Validate();

        Assert.That(options.ExportUri(), Is.EqualTo(new Uri(expected)));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
