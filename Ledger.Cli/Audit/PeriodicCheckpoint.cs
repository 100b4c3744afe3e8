using System.Text.Json;
using Ledger.Client.Audit;

namespace Ledger.Cli.Audit;

/// <summary>
/// Writes the audit's checkpoint (<c>--checkpoint-out</c>) every <see cref="Interval"/> while a long
/// audit runs, not only at its end, so an audit that is killed resumes (<c>--from-checkpoint</c>) near
/// where it stopped. Each write replaces the file atomically (a temporary file renamed over it): a
/// kill in the middle of a write leaves the previous checkpoint, never half of one.
/// </summary>
public sealed class PeriodicCheckpoint
{
    private readonly string? path;
    private readonly TimeProvider time;
    private long lastWrite;

    public PeriodicCheckpoint(string? path, TimeSpan interval, TimeProvider? time = null)
    {
        if (interval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "the checkpoint interval must not be negative");
        }

        this.path = path;
        Interval = interval;
        this.time = time ?? TimeProvider.System;
        lastWrite = this.time.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    /// <summary>True when a checkpoint file was asked for and the last one is at least <see cref="Interval"/> old.</summary>
    public bool Due => path is not null && time.GetElapsedTime(lastWrite) >= Interval;

    /// <summary>Replaces the checkpoint file with the auditor's state (nothing if no file was asked for or nothing is verified yet).</summary>
    public async Task WriteAsync(ChainAuditor auditor, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(auditor);
        if (path is null || auditor.Failure is not null || auditor.Checkpoint() is not { } checkpoint)
        {
            return;
        }

        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(checkpoint) + "\n", cancellation).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        lastWrite = time.GetTimestamp();
    }
}
