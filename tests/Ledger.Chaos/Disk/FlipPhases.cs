using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ledger.Chaos.Disk;

/// <summary>Seconds spent in each phase of one flip (copy, submit, start, catch-up, probe, scan), to see where a sweep's time goes.</summary>
public sealed class FlipPhases
{
    private readonly Stopwatch clock = new();
    private readonly StringBuilder marks = new();
    private TimeSpan last;

    /// <summary>Starts a new flip.</summary>
    public void Begin()
    {
        marks.Clear();
        last = TimeSpan.Zero;
        clock.Restart();
    }

    /// <summary>Ends the phase <paramref name="name"/> (timed from the previous mark).</summary>
    public void Mark(string name)
    {
        var now = clock.Elapsed;
        marks.Append(CultureInfo.InvariantCulture, $"{(marks.Length > 0 ? " " : "")}{name} {(now - last).TotalSeconds:F1}");
        last = now;
    }

    public override string ToString() => marks.ToString();
}
