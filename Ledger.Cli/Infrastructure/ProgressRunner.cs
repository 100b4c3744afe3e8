using System.Diagnostics;
using Spectre.Console;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Runs long work with a progress bar on stderr when a person is watching (text output, terminal).
/// With a <c>describe</c> function the bar's label says where the work is (and how fast); on a
/// non-terminal stderr in text mode that line is written every <see cref="LineInterval"/> instead, so a
/// long run in a log still shows it moves. JSON output stays silent.
/// </summary>
public static class ProgressRunner
{
    /// <summary>Time between progress lines when stderr is not a terminal.</summary>
    public static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(CliOutput console, string label, double total, double alreadyDone, Func<Action<double>, Task> work, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        if (console.IsJson)
        {
            await work(_ => { }).ConfigureAwait(false);
            return;
        }

        if (!console.Interactive)
        {
            if (describe is null)
            {
                await work(_ => { }).ConfigureAwait(false);
                return;
            }

            var sinceLine = Stopwatch.StartNew();
            await work(_ =>
            {
                if (sinceLine.Elapsed >= LineInterval)
                {
                    console.Error.WriteLine($"{label}: {describe()}");
                    sinceLine.Restart();
                }
            }).ConfigureAwait(false);
            return;
        }

        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) }).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(total, 1));
                task.IsIndeterminate = total <= 0; // a total not known up front (a streamed directory)
                task.Increment(alreadyDone);
                await work(amount =>
                {
                    task.Increment(amount);
                    if (describe is not null)
                    {
                        task.Description = Markup.Escape($"{label}: {describe()}");
                    }
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }
}
