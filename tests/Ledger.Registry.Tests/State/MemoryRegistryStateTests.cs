using Ledger.Registry.State;

namespace Ledger.Registry.Tests.State;

public sealed class MemoryRegistryStateTests
{
    [Test]
    public void Scan_ReturnsOnlyKeysWithThePrefix_InBytewiseOrder()
    {
        var state = new MemoryRegistryState();
        state.Apply([Write(0x10, 0x02), Write(0x10, 0x01), Write(0x10, 0xFF, 0xFF), Write(0x11), Write(0x0F, 0xFF)]);

        var keys = state.Scan(new StateKey([0x10])).Select(e => e.Key.ToString()).ToList();

        Assert.That(keys, Is.EqualTo(new[] { "1001", "1002", "10FFFF" }));
    }

    [Test]
    public void Scan_StartAfter_IsExclusive()
    {
        var state = new MemoryRegistryState();
        state.Apply([Write(0x10, 0x01), Write(0x10, 0x02), Write(0x10, 0x03)]);

        var keys = state.Scan(new StateKey([0x10]), new StateKey([0x10, 0x01])).Select(e => e.Key.ToString()).ToList();

        Assert.That(keys, Is.EqualTo(new[] { "1002", "1003" }));
    }

    [Test]
    public void Apply_Delete_RemovesTheKeyFromReadsAndScans()
    {
        var state = new MemoryRegistryState();
        state.Apply([Write(0x10, 0x01)]);

        state.Apply([new StateWrite(new StateKey([0x10, 0x01]), null)]);

        Assert.That(state.TryGet(new StateKey([0x10, 0x01]), out _), Is.False);
        Assert.That(state.Scan(new StateKey([0x10])), Is.Empty);
    }

    [Test]
    public void StateKey_OrdersBytewiseAndComparesByContent()
    {
        Assert.That(new StateKey([0x10, 0x01]) < new StateKey([0x10, 0x01, 0x00]), Is.True);
        Assert.That(new StateKey([0x10, 0xFF]) > new StateKey([0x10, 0x01, 0xFF]), Is.True);
        var left = new StateKey([1, 2]);
        var right = new StateKey([1, 2]);
        Assert.That(left, Is.EqualTo(right));
        Assert.That(left.GetHashCode(), Is.EqualTo(right.GetHashCode()));
    }

    private static StateWrite Write(params byte[] key) => new(new StateKey(key), [0xAB]);
}
