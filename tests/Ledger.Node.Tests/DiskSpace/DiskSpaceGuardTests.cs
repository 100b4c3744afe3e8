using Grpc.Core;
using Ledger.Node.DiskSpace;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace Ledger.Node.Tests.DiskSpace;

/// <summary>Issue #19 item 6: the free-space reserve, as the door, the leader and readiness read it (a fake disk).</summary>
public sealed class DiskSpaceGuardTests
{
    private const long Reserve = 100_000;

    [Test]
    public void Refresh_FreeBelowReserve_AlarmOnAndTheDoorRefusesWithResourceExhaustedNamingBothFigures()
    {
        var disk = new FakeFreeSpace(Reserve - 1);
        using var guard = NewGuard(disk, out _);

        var refused = Assert.Throws<RpcException>(guard.ThrowIfBelowReserve);

        Assert.Multiple(() =>
        {
            Assert.That(guard.AlarmOn, Is.True);
            Assert.That(guard.FreeBytes, Is.EqualTo(Reserve - 1));
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(refused.Status.Detail, Does.StartWith($"disk space below reserve: {Reserve - 1} bytes free, reserve {Reserve}"));
            Assert.That(guard.Refusal, Is.EqualTo($"disk space below reserve: {Reserve - 1} bytes free, reserve {Reserve}"));
        });
    }

    [Test]
    public void Refresh_FreeExactlyTheReserve_NoAlarm()
    {
        using var guard = NewGuard(new FakeFreeSpace(Reserve), out _);

        Assert.Multiple(() =>
        {
            Assert.That(guard.AlarmOn, Is.False);
            Assert.That(guard.Refusal, Is.Null);
            Assert.DoesNotThrow(guard.ThrowIfBelowReserve);
        });
    }

    [Test]
    public void Refresh_SpaceFreedAfterTheAlarm_AlarmOffAndWritesTakenAgain()
    {
        var disk = new FakeFreeSpace(10);
        using var guard = NewGuard(disk, out _);
        Assert.That(guard.AlarmOn, Is.True);

        disk.Available = 10 * Reserve;
        guard.Refresh();

        Assert.Multiple(() =>
        {
            Assert.That(guard.AlarmOn, Is.False);
            Assert.DoesNotThrow(guard.ThrowIfBelowReserve);
        });
    }

    [Test]
    public void Door_ReadsTheLastSampleOnly_TheLeadersRefusalNowSamplesAgain()
    {
        var disk = new FakeFreeSpace(10 * Reserve);
        using var guard = NewGuard(disk, out _);
        disk.Available = 1;

        Assert.Multiple(() =>
        {
            Assert.That(guard.Refusal, Is.Null, "the door pays no statvfs: it sees the last sample");
            Assert.That(guard.RefusalNow(), Does.StartWith("disk space below reserve: 1 bytes free"), "the leader samples before proposing");
            Assert.That(guard.AlarmOn, Is.True);
        });
    }

    [Test]
    public void Start_SamplesOnTheNodesClock()
    {
        var disk = new FakeFreeSpace(10 * Reserve);
        var clock = new FakeTimeProvider();
        using var guard = NewGuard(disk, out _, clock, checkIntervalMilliseconds: 500);
        guard.Start();
        disk.Available = 1;

        clock.Advance(TimeSpan.FromMilliseconds(499));
        var before = guard.AlarmOn;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.False, "not sampled before the interval");
            Assert.That(guard.AlarmOn, Is.True, "sampled at the interval");
        });
    }

    [Test]
    public void Refresh_ProbeFails_KeepsTheLastSample()
    {
        var disk = new FakeFreeSpace(1);
        using var guard = NewGuard(disk, out _);
        disk.Failure = new IOException("statvfs failed");
        disk.Available = 10 * Reserve;

        guard.Refresh();

        Assert.Multiple(() =>
        {
            Assert.That(guard.AlarmOn, Is.True, "an unreadable disk does not clear the alarm");
            Assert.That(guard.FreeBytes, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Metrics_FreeBytesReserveAndAlarmGauges()
    {
        var disk = new FakeFreeSpace(Reserve - 5);
        using var guard = NewGuard(disk, out var registry);

        var below = await ScrapeAsync(registry);
        disk.Available = Reserve + 5;
        guard.Refresh();
        var above = await ScrapeAsync(registry);

        Assert.Multiple(() =>
        {
            Assert.That(below, Does.Contain($"{DiskSpaceGuard.FreeBytesName} {Reserve - 5}"));
            Assert.That(below, Does.Contain($"{DiskSpaceGuard.ReserveBytesName} {Reserve}"));
            Assert.That(below, Does.Contain($"{DiskSpaceGuard.AlarmName} 1"));
            Assert.That(above, Does.Contain($"{DiskSpaceGuard.AlarmName} 0"));
            Assert.That(above, Does.Contain($"{DiskSpaceGuard.FreeBytesName} {Reserve + 5}"));
        });
    }

    [Test]
    public void FileSystemFreeSpace_ATemporaryDirectory_IsReadable()
    {
        var directory = Directory.CreateTempSubdirectory("ledger-free-space-");
        try
        {
            Assert.That(new FileSystemFreeSpace().AvailableBytes(directory.FullName), Is.GreaterThan(0));
        }
        finally
        {
            directory.Delete();
        }
    }

    internal static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static DiskSpaceGuard NewGuard(FakeFreeSpace disk, out CollectorRegistry registry, TimeProvider? clock = null, int checkIntervalMilliseconds = 1_000)
    {
        registry = Prometheus.Metrics.NewCustomRegistry();
        return new DiskSpaceGuard(
            new DiskSpaceOptions { ReserveBytes = Reserve, CheckIntervalMilliseconds = checkIntervalMilliseconds },
            "/unused",
            disk,
            clock ?? new FakeTimeProvider(),
            registry,
            NullLogger.Instance);
    }
}
