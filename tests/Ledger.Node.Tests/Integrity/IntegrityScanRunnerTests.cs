using Ledger.Node.Integrity;
using Ledger.Node.Metrics;
using Ledger.Storage.Errors;
using Ledger.Storage.Integrity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ledger.Node.Tests.Integrity;

/// <summary>
/// The scan's schedule on a fake clock: it waits out the start delay, reads no faster than its byte
/// rate, completes a pass over an intact store, waits the pass interval, and hands damage to the
/// node's damage path once, then stops.
/// </summary>
public sealed class IntegrityScanRunnerTests
{
    private const int BlockCount = 60;

    // ~4.5 KB blocks (their bodies go to blob files): a pass at the lowest rate takes several fake seconds.
    private const int TransactionsPerBlock = 50;

    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    // A pass over the test store ends well within this many slices.
    private const int SlicesMax = 100_000;

    [Test]
    public void RunDue_BeforeTheStartDelay_ReadsNothingAndNamesWhenItIsDue()
    {
        using var store = new ScanStore(BlockCount, TransactionsPerBlock);
        var clock = new FakeTimeProvider(Start);
        var runner = Runner(store, clock, new IntegrityScanOptions { StartDelaySeconds = 60 }, new NodeMetrics(), []);

        clock.Advance(TimeSpan.FromSeconds(59));
        var due = runner.RunDue();

        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(Start.AddSeconds(60)));
            Assert.That(runner.BytesRead, Is.Zero);
        });
    }

    [Test]
    public void RunDue_StepsOnAFakeClock_BytesReadBeforeEachSliceNeverExceedRateTimesElapsed()
    {
        // Arrange: the lowest rate, so the store takes many slices.
        using var store = new ScanStore(BlockCount, TransactionsPerBlock);
        var clock = new FakeTimeProvider(Start);
        var options = new IntegrityScanOptions { StartDelaySeconds = 0, BytesPerSecond = IntegrityScanOptions.BytesPerSecondMin };
        var runner = Runner(store, clock, options, new NodeMetrics(), []);
        var slices = 0;

        // Act: run each slice exactly when it is due, as the worker does.
        while (runner.PassesCompleted == 0)
        {
            // Assert: what was read before a slice starts fits the rate since the first slice.
            var elapsedSeconds = (clock.GetUtcNow() - Start).TotalSeconds;
            Assert.That(runner.BytesRead, Is.LessThanOrEqualTo((options.BytesPerSecond * elapsedSeconds) + 1), $"slice {slices} at {elapsedSeconds:F3} s");

            var due = runner.RunDue() ?? throw new AssertionException("the intact store was reported damaged");
            slices++;
            Assert.That(slices, Is.LessThan(SlicesMax), "the pass does not end");
            if (due > clock.GetUtcNow())
            {
                clock.SetUtcNow(due);
            }
        }

        // The test exercised the pacing: the pass needed many slices and several seconds at this rate.
        Assert.Multiple(() =>
        {
            Assert.That(slices, Is.GreaterThan(10));
            Assert.That(runner.BytesRead, Is.GreaterThan(3 * options.BytesPerSecond));
        });
    }

    [Test]
    public void RunDue_IntactStore_PassCompletes_MetricsShowIt_NextPassWaitsThePassInterval()
    {
        using var store = new ScanStore(BlockCount, TransactionsPerBlock);
        var clock = new FakeTimeProvider(Start);
        var metrics = new NodeMetrics();
        var options = new IntegrityScanOptions { StartDelaySeconds = 0, BytesPerSecond = IntegrityScanOptions.BytesPerSecondMax, PassIntervalSeconds = 600 };
        var runner = Runner(store, clock, options, metrics, []);

        var due = RunUntilPassOrDamage(runner, clock);
        var completedAt = clock.GetUtcNow();

        var scan = new IntegrityScanMetrics(metrics.Registry);
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(completedAt.AddSeconds(600)));
            Assert.That(scan.BlocksScanned.Value, Is.EqualTo(BlockCount));
            Assert.That(scan.PassesCompleted.Value, Is.EqualTo(1));
            Assert.That(scan.LastFullPass.Value, Is.EqualTo(completedAt.ToUnixTimeMilliseconds() / 1000.0));
            Assert.That(scan.DamageFound.Value, Is.Zero);
        });
    }

    [Test]
    public void RunDue_OneByteOfAStoredBlockFlipped_ReportsItOnceThroughTheDamagePath_ThenStops()
    {
        // Arrange
        using var store = new ScanStore(BlockCount, TransactionsPerBlock);
        const ulong damagedHeight = 41;
        store.FlipByteOfBlock(damagedHeight, offset: 40);
        var clock = new FakeTimeProvider(Start);
        var metrics = new NodeMetrics();
        var reported = new List<Exception>();
        var runner = Runner(store, clock, new IntegrityScanOptions { StartDelaySeconds = 0 }, metrics, reported);

        // Act
        var due = RunUntilPassOrDamage(runner, clock);

        // Assert
        Assert.That(reported, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(due, Is.Null, "the scan stops once it found damage");
            Assert.That(runner.PassesCompleted, Is.Zero);
            Assert.That(reported[0], Is.TypeOf<StorageCorruptionException>());
            Assert.That(((StorageCorruptionException)reported[0]).Height, Is.EqualTo(damagedHeight));
            Assert.That(reported[0].Message, Does.StartWith(IntegrityScanPass.FoundBy));
            Assert.That(new IntegrityScanMetrics(metrics.Registry).DamageFound.Value, Is.EqualTo(1));
            Assert.That(runner.RunDue(), Is.Null, "and stays stopped");
        });
        Assert.That(reported, Has.Count.EqualTo(1), "reported once");
    }

    private static IntegrityScanRunner Runner(ScanStore store, FakeTimeProvider clock, IntegrityScanOptions options, NodeMetrics metrics, List<Exception> reported) =>
        new(options, store.Database, store.Blocks, reported.Add, new IntegrityScanMetrics(metrics.Registry), clock, NullLogger.Instance);

    /// <summary>Runs slices when due until a pass completed (returns when the next is due) or damage stopped the scan (null).</summary>
    private static DateTimeOffset? RunUntilPassOrDamage(IntegrityScanRunner runner, FakeTimeProvider clock)
    {
        for (var slices = 0; slices < SlicesMax; slices++)
        {
            var due = runner.RunDue();
            if (due is null || runner.PassesCompleted > 0)
            {
                return due;
            }

            if (due > clock.GetUtcNow())
            {
                clock.SetUtcNow(due.Value);
            }
        }

        throw new AssertionException($"no pass completed within {SlicesMax} slices");
    }
}
