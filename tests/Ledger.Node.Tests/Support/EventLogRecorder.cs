using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Support;

/// <summary>A logger that keeps every entry (level, event id, formatted message); safe across threads.</summary>
public sealed class EventLogRecorder : ILogger
{
    private readonly List<(LogLevel Level, int EventId, string Message)> entries = [];

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries
    {
        get
        {
            lock (entries)
            {
                return [.. entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (entries)
        {
            entries.Add((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
