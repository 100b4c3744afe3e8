using Ledger.Core.Crypto;
using Ledger.Node.Chain;
using Ledger.Node.Hosting;
using Ledger.Node.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Hosting;

/// <summary>A node of an sm2-sm3 consortium says at start which SM2 and SM3 implementation it runs, and why (issue 20).</summary>
public sealed class SmBackendLogTests
{
    [Test]
    public void IfSmSuite_SmConsortium_LogsOneLineNamingBothBackendsAndWhy()
    {
        using var consortium = new TestConsortium(1, suite: CryptoSuites.Sm2Sm3Name);
        var logger = new RecordingLogger();

        SmBackendLog.IfSmSuite(ChainContext.Load(consortium.GenesisPath), logger);

        var entry = logger.Entries.Single();
        Assert.That(entry.EventId, Is.EqualTo(6104));
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(entry.Message, Does.StartWith($"sm2-sm3 suite: SM2 signatures on {Sm2Sm3Backends.SignatureBackend} ("));
        Assert.That(entry.Message, Does.Contain($"; SM3 on {Sm2Sm3Backends.HashBackend} ("));
        Assert.That(entry.Message, Does.Not.Contain("not probed"));
    }

    [Test]
    public void IfSmSuite_P256Consortium_LogsNothing()
    {
        using var consortium = new TestConsortium(1);
        var logger = new RecordingLogger();

        SmBackendLog.IfSmSuite(ChainContext.Load(consortium.GenesisPath), logger);

        Assert.That(logger.Entries, Is.Empty);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }
}
