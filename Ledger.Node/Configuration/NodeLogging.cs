using Microsoft.Extensions.Logging.Console;

namespace Ledger.Node.Configuration;

/// <summary>
/// One logging set-up for every logger of the process: the host's and the node's own factory (built
/// before the host) both take their levels from the <c>Logging</c> section (<c>Logging:LogLevel:Default</c>,
/// <c>--log-level</c>, <c>Logging:LogLevel:Ledger.Node.Consensus</c>, ...) and write the console format
/// <c>Node:LogFormat</c> chooses. The defaults below quiet per-request framework chatter; configuration overrides them.
/// </summary>
public static class NodeLogging
{
    public static void Configure(ILoggingBuilder logging, IConfiguration configuration, string format)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        logging.ClearProviders();

        // Registered before the configuration, so that a level configured for these categories wins.
        // Per-request framework logs would drown the ledger's own events at thousands of calls per second.
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A recovering node is unhealthy by design; the readiness answer says why, a log line per probe adds nothing.
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (string.Equals(format, LogFormats.Json, StringComparison.Ordinal))
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
        }
    }

    /// <summary>The node's own factory, configured exactly as the host's.</summary>
    public static ILoggerFactory CreateFactory(IConfiguration configuration, string format) =>
        LoggerFactory.Create(logging => Configure(logging, configuration, format));

    /// <summary>The console formatter name a format selects (for tests and diagnostics).</summary>
    public static string FormatterName(string format) =>
        string.Equals(format, LogFormats.Json, StringComparison.Ordinal) ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple;
}
