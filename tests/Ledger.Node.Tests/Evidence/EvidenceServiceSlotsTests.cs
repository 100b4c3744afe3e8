using Ledger.Node.Services;

namespace Ledger.Node.Tests.Evidence;

public sealed class EvidenceServiceSlotsTests
{
    [Test]
    public void TryTake_AllSlotsTaken_RefusesUntilOneIsReleased()
    {
        var slots = new EvidenceServiceSlots(EvidenceService.ExportsInFlightMax);
        for (var i = 0; i < EvidenceService.ExportsInFlightMax; i++)
        {
            Assert.That(slots.TryTake(), Is.True, $"slot {i}");
        }

        var refused = slots.TryTake();
        slots.Release();
        var afterRelease = slots.TryTake();

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.False);
            Assert.That(afterRelease, Is.True);
            Assert.That(slots.Taken, Is.EqualTo(EvidenceService.ExportsInFlightMax));
        });
    }

    [Test]
    public void Release_NoSlotTaken_Throws()
    {
        var slots = new EvidenceServiceSlots(1);

        Assert.Throws<InvalidOperationException>(slots.Release);
    }
}
