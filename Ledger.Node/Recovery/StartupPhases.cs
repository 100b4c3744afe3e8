using System.Diagnostics;
using System.Text;

namespace Ledger.Node.Recovery;

/// <summary>
/// How long each phase of a start took (runtime, database open, Raft log, host, listeners, ...),
/// logged as one line when the node starts, so that anything that grows with the chain shows up by
/// name. The first phase, <c>runtime</c>, runs from the process start to the first mark. At most
/// <see cref="PhasesMax"/> phases are kept. Thread-safe.
/// </summary>
public sealed partial class StartupPhases
{
    /// <summary>Phases recorded at most; further marks only move the clock on.</summary>
    public const int PhasesMax = 32;

    private readonly Lock sync = new();
    private readonly List<(string Phase, double Milliseconds)> phases = [];
    private readonly long startedAt;
    private long lastMark;

    /// <param name="sinceProcessStart">Count from the process start (a real node); false = from now (tests building nodes in one process).</param>
    public StartupPhases(bool sinceProcessStart)
    {
        startedAt = Stopwatch.GetTimestamp();
        lastMark = startedAt;
        if (sinceProcessStart)
        {
            var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
            if (sinceStart > TimeSpan.Zero && sinceStart < TimeSpan.FromHours(1))
            {
                phases.Add(("runtime", sinceStart.TotalMilliseconds));
            }
        }
    }

    /// <summary>Ends phase <paramref name="phase"/> now (it began at the previous mark).</summary>
    public void Mark(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        lock (sync)
        {
            if (phases.Count < PhasesMax)
            {
                phases.Add((phase, Stopwatch.GetElapsedTime(lastMark, now).TotalMilliseconds));
            }

            lastMark = now;
        }
    }

    /// <summary>The phases so far, in order.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> Phases
    {
        get
        {
            lock (sync)
            {
                return [.. phases];
            }
        }
    }

    /// <summary>Milliseconds of all phases so far.</summary>
    public double TotalMilliseconds
    {
        get
        {
            lock (sync)
            {
                var total = 0.0;
                foreach (var (_, milliseconds) in phases)
                {
                    total += milliseconds;
                }

                return total;
            }
        }
    }

    /// <summary>"runtime 812 ms, database-open 95 ms, ...".</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        foreach (var (phase, milliseconds) in Phases)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(phase).Append(' ').Append(Math.Round(milliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" ms");
        }

        return text.ToString();
    }

    /// <summary>Logs the one-line summary (event 6206).</summary>
    public void Log(ILogger logger, ulong height, ulong appliedIndex) => Started(logger, Math.Round(TotalMilliseconds), height, appliedIndex, Summary());

    [LoggerMessage(EventId = 6206, Level = LogLevel.Information, Message = "Started in {TotalMilliseconds} ms at height {Height} (applied index {AppliedIndex}): {Phases}")]
    private static partial void Started(ILogger logger, double totalMilliseconds, ulong height, ulong appliedIndex, string phases);
}
