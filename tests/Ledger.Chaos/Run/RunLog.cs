using System.Diagnostics;
using System.Globalization;

namespace Ledger.Chaos.Run;

/// <summary>The run's narrative on the console: one line per event, stamped with the time since the run started.</summary>
public sealed class RunLog(TextWriter output)
{
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly Lock gate = new();

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);

    public void Write(string line)
    {
        var stamp = Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(8);
        lock (gate)
        {
            output.WriteLine($"[{stamp}s] {line}");
            output.Flush();
        }
    }

    /// <summary>A line without a time stamp (the schedule, the closing line).</summary>
    public void WriteRaw(string text)
    {
        lock (gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }
}
