using Ledger.Storage;
using Ledger.Storage.Blocks;

namespace Ledger.Node.Integrity;

/// <summary>
/// Runs the <see cref="IntegrityScanRunner"/> in the background from <see cref="Start"/> until
/// disposed: sleeps on the node's clock until a slice is due, runs it, and stops for good when it found
/// damage (the node is then stopping) or failed otherwise (logged; the node goes on serving). Low
/// priority by construction: paced to its byte rate, one slice at a time, and its reads bypass the
/// block cache (OS thread priorities are not portable to lower from .NET, so none is set).
/// </summary>
public sealed class IntegrityScanWorker : IAsyncDisposable
{
    private readonly IntegrityScanOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private Task loop = Task.CompletedTask;

    public IntegrityScanWorker(IntegrityScanOptions options, LedgerDatabase database, BlockStore blocks, Action<Exception> reportDamage, IntegrityScanMetrics metrics, TimeProvider clock, ILogger logger)
    {
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        Runner = new IntegrityScanRunner(options, database, blocks, reportDamage, metrics, clock, logger);
    }

    public IntegrityScanRunner Runner { get; }

    public void Start()
    {
        if (!options.Enabled)
        {
            return;
        }

        IntegrityScanLog.Started(logger, options.BytesPerSecond, options.StartDelaySeconds, options.PassIntervalSeconds);
        loop = Task.Run(() => RunAsync(stopping.Token));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested && Runner.RunDue() is { } due)
            {
                var wait = due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            IntegrityScanLog.Failed(logger, e.Message);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: whatever the last slice met no longer matters.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loop.ConfigureAwait(false);
        }
        finally
        {
            stopping.Dispose();
        }
    }
}
