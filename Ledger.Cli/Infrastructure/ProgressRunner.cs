using Spectre.Console;

namespace Ledger.Cli.Infrastructure;

/// <summary>Runs long work with a progress bar on stderr when a person is watching (text output, terminal); silently otherwise.</summary>
public static class ProgressRunner
{
    public static async Task RunAsync(CliOutput console, string label, double total, double alreadyDone, Func<Action<double>, Task> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        if (!console.Interactive || console.IsJson)
        {
            await work(_ => { }).ConfigureAwait(false);
            return;
        }

        await AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) }).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(total, 1));
                task.IsIndeterminate = total <= 0; // a total not known up front (a streamed directory)
                task.Increment(alreadyDone);
                await work(amount => task.Increment(amount)).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }
}
