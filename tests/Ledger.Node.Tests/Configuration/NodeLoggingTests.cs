using Ledger.Node.Configuration;
using Ledger.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Ledger.Node.Tests.Configuration;

public sealed class NodeLoggingTests
{
    private static ServiceProvider Logging(string format, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => NodeLogging.Configure(logging, configuration, format));
        return services.BuildServiceProvider();
    }

    [Test]
    public void Configure_DefaultLevelFromConfiguration_ReachesTheNodesCategories()
    {
        using var provider = Logging(LogFormats.Simple, ("Logging:LogLevel:Default", "Warning"));
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node.LedgerNode");

        Assert.That(logger.IsEnabled(LogLevel.Information), Is.False);
        Assert.That(logger.IsEnabled(LogLevel.Warning), Is.True);
    }

    [Test]
    public void Configure_CategoryLevelFromConfiguration_OverridesTheBuiltInQuieting()
    {
        using var quiet = Logging(LogFormats.Simple);
        using var loud = Logging(LogFormats.Simple, ("Logging:LogLevel:Microsoft.AspNetCore", "Information"));

        Assert.That(quiet.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting").IsEnabled(LogLevel.Information), Is.False);
        Assert.That(loud.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting").IsEnabled(LogLevel.Information), Is.True);
    }

    [TestCase(LogFormats.Json, ConsoleFormatterNames.Json)]
    [TestCase(LogFormats.Simple, ConsoleFormatterNames.Simple)]
    public void Configure_Format_SelectsTheConsoleFormatter(string format, string formatter)
    {
        using var provider = Logging(format);

        Assert.That(provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo(formatter));
        Assert.That(NodeLogging.FormatterName(format), Is.EqualTo(formatter));
    }

    [Test]
    public void CreateFactory_NodesOwnFactory_TakesTheSameLevels()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Ledger.Node.Consensus"] = "Error" }).Build();
        using var factory = NodeLogging.CreateFactory(configuration, LogFormats.Json);

        Assert.That(factory.CreateLogger("Ledger.Node.Consensus.RaftDriver").IsEnabled(LogLevel.Warning), Is.False);
        Assert.That(factory.CreateLogger("Ledger.Node.Batching.TransactionBatcher").IsEnabled(LogLevel.Information), Is.True);
    }

    [Test]
    public async Task Build_LogLevelFlag_ReachesTheHostsLoggers()
    {
        using var consortium = new Support.TestConsortium(1);
        var (app, node) = NodeProgram.Build(consortium.ArgumentsFor(0, ["--log-level", "Error", "--log-format", "json"]));
        try
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ledger.Node.Services.LedgerApiService");

            Assert.That(logger.IsEnabled(LogLevel.Warning), Is.False);
            Assert.That(logger.IsEnabled(LogLevel.Error), Is.True);
            Assert.That(app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo(ConsoleFormatterNames.Json));
        }
        finally
        {
            await node.DisposeAsync();
            await app.DisposeAsync();
        }
    }
}
